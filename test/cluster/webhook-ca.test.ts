// WebhookCaBundleSync through the real client against the fake API server.
import { WebhookCaBundleSync } from '../../src/cluster/webhook-ca.js';
import { FakeApiServer } from './fake-api-server.js';
import { FAST_BACKOFF, WARN, connect, memoryLogger, waitFor, type LogRecord } from './support.js';

const NAME = 'sidecar-injector';
const WEBHOOKS_PATH = `/apis/admissionregistration.k8s.io/v1/mutatingwebhookconfigurations/${NAME}`;
const OLD_CA = '-----BEGIN CERTIFICATE-----\nMIIBold\n-----END CERTIFICATE-----\n';
const NEW_CA = '-----BEGIN CERTIFICATE-----\nMIIBnew\n-----END CERTIFICATE-----\n';

let fake: FakeApiServer;
let records: LogRecord[];
const syncs: WebhookCaBundleSync[] = [];

function putConfiguration(caBundle?: string): void {
  fake.resources.putWebhookConfiguration({
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'MutatingWebhookConfiguration',
    metadata: { name: NAME },
    webhooks: [
      {
        name: 'pods.sidecar-injector.io',
        clientConfig: {
          service: { namespace: NAME, name: NAME, path: '/mutate' },
          ...(caBundle !== undefined ? { caBundle } : {}),
        },
      },
    ],
  });
}

function storedBundle(): string | undefined {
  const caBundle = fake.resources.webhookConfigurations.get(NAME)?.webhooks[0].clientConfig.caBundle;
  return caBundle === undefined ? undefined : Buffer.from(caBundle, 'base64').toString('utf8');
}

function newSync(resyncIntervalMs = 3_600_000): WebhookCaBundleSync {
  const memory = memoryLogger();
  records = memory.records;
  const sync = new WebhookCaBundleSync(connect(fake), { webhookConfigName: NAME, logger: memory.logger, resyncIntervalMs, backoff: FAST_BACKOFF });
  syncs.push(sync);
  return sync;
}

beforeEach(async () => {
  fake = await FakeApiServer.start();
  putConfiguration();
});

afterEach(async () => {
  await Promise.all(syncs.splice(0).map((sync) => sync.stop()));
  await fake.close();
});

describe('WebhookCaBundleSync', () => {
  it('writes the bundle', async () => {
    const sync = newSync();

    sync.set(OLD_CA + NEW_CA);

    expect(await sync.whenSynced()).toBe(true);
    expect(storedBundle()).toBe(OLD_CA + NEW_CA);
    expect(records.some((record) => record.msg === 'caBundle of the webhook configuration updated')).toBe(true);
  });

  it('sends no patch when equal', async () => {
    putConfiguration(Buffer.from(NEW_CA).toString('base64'));
    const sync = newSync();

    sync.set(NEW_CA);

    expect(await sync.whenSynced()).toBe(true);
    expect(fake.requestsTo('GET', WEBHOOKS_PATH)).toHaveLength(1);
    expect(fake.requestsTo('PATCH', WEBHOOKS_PATH)).toHaveLength(0);
  });

  it('retries after failures', async () => {
    fake.fail({ method: 'GET', path: WEBHOOKS_PATH, status: 503, times: 1 });
    fake.fail({ method: 'PATCH', path: WEBHOOKS_PATH, status: 500, times: 1 });
    const sync = newSync();

    sync.set(NEW_CA);

    expect(await sync.whenSynced()).toBe(true);
    expect(storedBundle()).toBe(NEW_CA);
    expect(fake.requestsTo('PATCH', WEBHOOKS_PATH)).toHaveLength(2);
    const warnings = records.filter((record) => record.level === WARN);
    expect(warnings.map((record) => record.consecutiveFailures)).toEqual([1, 2]);
  });

  it('retries while the configuration is missing', async () => {
    fake.resources.webhookConfigurations.clear();
    const sync = newSync();
    sync.set(NEW_CA);

    await waitFor('two failed attempts', () => fake.requestsTo('GET', WEBHOOKS_PATH).length >= 2);
    putConfiguration();

    expect(await sync.whenSynced()).toBe(true);
    expect(storedBundle()).toBe(NEW_CA);
  });

  it('writes the latest bundle', async () => {
    const sync = newSync();

    sync.set(OLD_CA);
    sync.set(NEW_CA);

    expect(await sync.whenSynced()).toBe(true);
    expect(storedBundle()).toBe(NEW_CA);
  });

  it('restores a reset caBundle', async () => {
    const sync = newSync(20);
    sync.set(NEW_CA);
    expect(await sync.whenSynced()).toBe(true);

    putConfiguration('');

    await waitFor('caBundle restored', () => storedBundle() === NEW_CA);
  });

  it('stop ends a pending wait', async () => {
    fake.fail({ method: 'GET', path: WEBHOOKS_PATH, status: 403, times: 1000 });
    const sync = newSync();
    sync.set(NEW_CA);
    const synced = sync.whenSynced();

    await sync.stop();

    expect(await synced).toBe(false);
    expect(storedBundle()).toBeUndefined();
  });
});
