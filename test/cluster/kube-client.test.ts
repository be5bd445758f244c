// The real @kubernetes/client-node client against the fake API server.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { ClusterApi } from '../../src/cluster/api.js';
import { ClusterApiError, ClusterErrorCode } from '../../src/cluster/errors.js';
import { createKubeClusterApi, loadKubeConfig } from '../../src/cluster/kube-client.js';
import { FakeApiServer } from './fake-api-server.js';
import { connect } from './support.js';

const CA_PEM = '-----BEGIN CERTIFICATE-----\nMIIBfake\n-----END CERTIFICATE-----\n';
const CA_BASE64 = Buffer.from(CA_PEM).toString('base64');
const WEBHOOKS_PATH = '/apis/admissionregistration.k8s.io/v1/mutatingwebhookconfigurations/sidecar-injector';

function webhookConfiguration(caBundles: (string | undefined)[]) {
  return {
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'MutatingWebhookConfiguration',
    metadata: { name: 'sidecar-injector' },
    webhooks: caBundles.map((caBundle, index) => ({
      name: `hook-${index}.sidecar-injector.io`,
      admissionReviewVersions: ['v1'],
      sideEffects: 'None',
      clientConfig: {
        service: { namespace: 'sidecar-injector', name: 'sidecar-injector', path: '/mutate', port: 443 },
        ...(caBundle !== undefined ? { caBundle } : {}),
      },
    })),
  };
}

async function rejection(promise: Promise<unknown>): Promise<ClusterApiError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(ClusterApiError);
    return error as ClusterApiError;
  }
  throw new Error('expected the call to reject');
}

let fake: FakeApiServer;
let api: ClusterApi;

beforeAll(async () => {
  fake = await FakeApiServer.start();
  api = connect(fake);
});

afterAll(async () => {
  await fake.close();
});

describe('getVersion', () => {
  it('returns fields as sent', async () => {
    fake.version = { major: '1', minor: '29+', gitVersion: 'v1.29.4-gke.1200' };

    expect(await api.getVersion()).toEqual({ major: '1', minor: '29+', gitVersion: 'v1.29.4-gke.1200' });
  });

  it('maps HTTP 403 to Forbidden', async () => {
    fake.fail({ method: 'GET', path: '/version', status: 403 });

    const error = await rejection(api.getVersion());

    expect(error.code).toBe(ClusterErrorCode.Forbidden);
    expect(error.status).toBe(403);
    expect(error.message).toContain('GET /version');
  });
});

describe('patchWebhookCaBundle', () => {
  it('sets caBundle on every webhook', async () => {
    fake.resources.putWebhookConfiguration(webhookConfiguration([undefined, Buffer.from('old').toString('base64')]));

    expect(await api.patchWebhookCaBundle('sidecar-injector', CA_PEM)).toBe('patched');

    const stored = fake.resources.webhookConfigurations.get('sidecar-injector')!;
    expect(stored.webhooks.map((webhook: any) => webhook.clientConfig.caBundle)).toEqual([CA_BASE64, CA_BASE64]);
    expect(stored.webhooks[0].clientConfig.service.path).toBe('/mutate');
    const patch = fake.requestsTo('PATCH', WEBHOOKS_PATH).at(-1)!;
    expect(patch.contentType).toBe('application/json-patch+json');
    expect(patch.body).toEqual([
      { op: 'add', path: '/webhooks/0/clientConfig/caBundle', value: CA_BASE64 },
      { op: 'add', path: '/webhooks/1/clientConfig/caBundle', value: CA_BASE64 },
    ]);
  });

  it('patches only webhooks that differ', async () => {
    fake.resources.putWebhookConfiguration(webhookConfiguration([CA_BASE64, '']));

    expect(await api.patchWebhookCaBundle('sidecar-injector', CA_PEM)).toBe('patched');

    const patch = fake.requestsTo('PATCH', WEBHOOKS_PATH).at(-1)!;
    expect(patch.body).toEqual([{ op: 'add', path: '/webhooks/1/clientConfig/caBundle', value: CA_BASE64 }]);
  });

  it('sends no patch when equal', async () => {
    fake.resources.putWebhookConfiguration(webhookConfiguration([CA_BASE64, CA_BASE64]));
    const patchesBefore = fake.requestsTo('PATCH', WEBHOOKS_PATH).length;

    expect(await api.patchWebhookCaBundle('sidecar-injector', CA_PEM)).toBe('unchanged');

    expect(fake.requestsTo('PATCH', WEBHOOKS_PATH)).toHaveLength(patchesBefore);
    expect(fake.requestsTo('GET', WEBHOOKS_PATH).length).toBeGreaterThan(0);
  });

  it('rejects a missing configuration', async () => {
    const error = await rejection(api.patchWebhookCaBundle('absent', CA_PEM));

    expect(error.code).toBe(ClusterErrorCode.NotFound);
    expect(error.message).toContain('MutatingWebhookConfiguration absent');
  });
});

describe('secrets', () => {
  const tlsData = { 'ca.crt': CA_PEM, 'tls.key': 'key\n' };

  it('reads null when missing', async () => {
    expect(await api.readSecret('sidecar-injector', 'missing')).toBeNull();
  });

  it('creates with base64 data', async () => {
    const created = await api.createSecret({ namespace: 'sidecar-injector', name: 'created', type: 'kubernetes.io/tls', data: tlsData });

    expect(created.resourceVersion).toMatch(/^\d+$/);
    expect(created.data).toEqual(tlsData);
    const stored = fake.resources.secrets.get('sidecar-injector/created')!;
    expect(stored.data['ca.crt']).toBe(CA_BASE64);
    expect(stored.type).toBe('kubernetes.io/tls');
    expect(await api.readSecret('sidecar-injector', 'created')).toEqual(created);
  });

  it('create drops a resourceVersion', async () => {
    const created = await api.createSecret({ namespace: 'sidecar-injector', name: 'copied', resourceVersion: '5', data: {} });

    expect(created.resourceVersion).not.toBe('5');
  });

  it('create rejects an existing name', async () => {
    fake.resources.putSecret({ metadata: { namespace: 'sidecar-injector', name: 'taken' }, data: {} });

    const error = await rejection(api.createSecret({ namespace: 'sidecar-injector', name: 'taken', data: {} }));

    expect(error.code).toBe(ClusterErrorCode.AlreadyExists);
    expect(error.status).toBe(409);
  });

  it('replaces at the current version', async () => {
    const version = fake.resources.putSecret({ metadata: { namespace: 'sidecar-injector', name: 'rotated' }, data: {} });

    const replaced = await api.replaceSecret({ namespace: 'sidecar-injector', name: 'rotated', resourceVersion: version, data: tlsData });

    expect(replaced.resourceVersion).not.toBe(version);
    expect(replaced.data).toEqual(tlsData);
    expect(fake.resources.secrets.get('sidecar-injector/rotated')!.data['tls.key']).toBe(Buffer.from('key\n').toString('base64'));
  });

  it('replace at a stale version conflicts', async () => {
    const stale = fake.resources.putSecret({ metadata: { namespace: 'sidecar-injector', name: 'raced' }, data: {} });
    fake.resources.putSecret({ metadata: { namespace: 'sidecar-injector', name: 'raced' }, data: { winner: 'eQ==' } });

    const error = await rejection(api.replaceSecret({ namespace: 'sidecar-injector', name: 'raced', resourceVersion: stale, data: tlsData }));

    expect(error.code).toBe(ClusterErrorCode.Conflict);
    expect(error.status).toBe(409);
    expect(fake.resources.secrets.get('sidecar-injector/raced')!.data).toEqual({ winner: 'eQ==' });
  });
});

describe('listPods', () => {
  beforeAll(() => {
    const pod = (namespace: string, name: string, app: string) => ({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { namespace, name, labels: { app }, annotations: { 'sidecar-injector.io/status': '{}' } },
      spec: {
        serviceAccountName: app,
        containers: [{ name: 'app', image: 'registry.example/app:1' }],
        initContainers: [{ name: 'log-collector', image: 'registry.example/fluent-bit:3', restartPolicy: 'Always' }],
      },
      status: { phase: 'Running' },
    });
    fake.resources.pods.push(pod('team-a', 'web-1', 'web'), pod('team-b', 'db-1', 'db'));
  });

  it('lists across namespaces', async () => {
    const pods = await api.listPods();

    expect(pods.map((pod) => `${pod.namespace}/${pod.name}`)).toEqual(['team-a/web-1', 'team-b/db-1']);
    expect(pods[0]).toEqual({
      namespace: 'team-a',
      name: 'web-1',
      labels: { app: 'web' },
      annotations: { 'sidecar-injector.io/status': '{}' },
      phase: 'Running',
      serviceAccountName: 'web',
      containers: [{ name: 'app', image: 'registry.example/app:1' }],
      initContainers: [{ name: 'log-collector', image: 'registry.example/fluent-bit:3', restartPolicy: 'Always' }],
    });
  });

  it('reads every page', async () => {
    const extra = Array.from({ length: 1001 }, (_, index) => ({
      metadata: { namespace: 'bulk', name: `job-${index}`, labels: { app: 'bulk' } },
      spec: { containers: [{ name: 'main' }] },
    }));
    fake.resources.pods.push(...extra);
    const requestsBefore = fake.requestsTo('GET', '/api/v1/pods').length;

    const pods = await api.listPods('app=bulk');

    fake.resources.pods.splice(-extra.length);
    expect(pods).toHaveLength(1001);
    expect(new Set(pods.map((pod) => pod.name)).size).toBe(1001);
    const pages = fake.requestsTo('GET', '/api/v1/pods').slice(requestsBefore);
    expect(pages.map((request) => request.query.continue)).toEqual([undefined, '500', '1000']);
    expect(pages.every((request) => request.query.limit === '500')).toBe(true);
  });

  it('passes the label selector', async () => {
    const pods = await api.listPods('app=db');

    expect(pods.map((pod) => pod.name)).toEqual(['db-1']);
    expect(fake.requestsTo('GET', '/api/v1/pods').at(-1)!.query.labelSelector).toBe('app=db');
  });
});

describe('connection', () => {
  it('reports an unreachable server', async () => {
    const stoppedFake = await FakeApiServer.start();
    const stoppedApi = connect(stoppedFake);
    await stoppedFake.goAway();

    const error = await rejection(stoppedApi.getVersion());

    expect(error.code).toBe(ClusterErrorCode.Unreachable);
    expect(error.status).toBeUndefined();
  });

  it('loads KUBECONFIG by default', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'kubeconfig-'));
    const file = path.join(dir, 'config');
    writeFileSync(
      file,
      [
        'apiVersion: v1',
        'kind: Config',
        'clusters: [{name: fake, cluster: {server: "' + fake.url + '", insecure-skip-tls-verify: true}}]',
        'users: [{name: fake, user: {token: test-token}}]',
        'contexts: [{name: fake, context: {cluster: fake, user: fake}}]',
        'current-context: fake',
      ].join('\n'),
    );
    const saved = process.env.KUBECONFIG;
    process.env.KUBECONFIG = file;
    try {
      fake.version = { major: '1', minor: '33', gitVersion: 'v1.33.1' };

      expect((await createKubeClusterApi().getVersion()).minor).toBe('33');
    } finally {
      restoreEnv('KUBECONFIG', saved);
      rmSync(dir, { recursive: true, force: true });
    }
  });

  // Without a service account in the test machine, loadFromDefault() has nothing to load.
  const inPod = existsSync('/var/run/secrets/kubernetes.io/serviceaccount/token');
  (inPod ? it.skip : it)('rejects a missing default config', () => {
    const home = mkdtempSync(path.join(tmpdir(), 'home-'));
    const saved = { KUBECONFIG: process.env.KUBECONFIG, HOME: process.env.HOME };
    delete process.env.KUBECONFIG;
    process.env.HOME = home;
    try {
      expect(() => loadKubeConfig({ from: 'default' })).toThrow(
        expect.objectContaining({ code: ClusterErrorCode.NoConfig }) as unknown as Error,
      );
    } finally {
      restoreEnv('KUBECONFIG', saved.KUBECONFIG);
      restoreEnv('HOME', saved.HOME);
      rmSync(home, { recursive: true, force: true });
    }
  });
});

function restoreEnv(name: string, value: string | undefined): void {
  if (value === undefined) {
    delete process.env[name];
  } else {
    process.env[name] = value;
  }
}
