import { send, postJson } from './support/https-client.js';
import { nextUid, pod, review } from './support/reviews.js';
import { startWebhook, type WebhookFixture } from './support/webhook-fixture.js';

const SECRET = 'hunter2-env-value';
const env = [{ name: 'DB_PASSWORD', value: SECRET }];

function recordsFor(fixture: WebhookFixture, uid: string) {
  return fixture.log.records.filter((record) => record.uid === uid);
}

describe('admission log at info', () => {
  let fixture: WebhookFixture;

  beforeAll(async () => {
    fixture = await startWebhook({ logLevel: 'info' });
  });

  afterAll(async () => {
    await fixture.close();
  });

  test('one record for an injection', async () => {
    const uid = nextUid();
    const res = await postJson(fixture.port, fixture.ca, review({ uid, object: pod({ 'sidecar-injector.io/inject': 'log-collector' }, env) }));
    const patch = JSON.parse(Buffer.from(JSON.parse(res.body).response.patch, 'base64').toString('utf8')) as unknown[];

    expect(recordsFor(fixture, uid)).toEqual([
      {
        level: 30,
        time: expect.any(String),
        service: 'sidecar-injector',
        msg: 'admission',
        uid,
        namespace: 'shop',
        name: '',
        generateName: 'web-',
        operation: 'CREATE',
        dryRun: false,
        templates: ['log-collector'],
        decision: 'injected',
        reason: 'injected',
        patchOperations: patch.length,
        warnings: 0,
        durationMs: expect.any(Number),
      },
    ]);
  });

  test('one record for a denial', async () => {
    const uid = nextUid();
    await postJson(fixture.port, fixture.ca, review({ uid, object: pod({ 'sidecar-injector.io/inject': 'nope' }, env) }));

    const records = recordsFor(fixture, uid);
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({
      msg: 'admission denied',
      decision: 'denied',
      reason: 'UnknownTemplate',
      templates: [],
      patchOperations: 0,
      message: expect.stringContaining('"nope"'),
    });
  });

  test('name of a named Pod', async () => {
    const uid = nextUid();
    const named = { ...pod(), metadata: { name: 'web-1', namespace: 'shop' } };
    await postJson(fixture.port, fixture.ca, review({ uid, name: 'web-1', object: named }));

    const [record] = recordsFor(fixture, uid);
    expect(record).toMatchObject({ msg: 'admission', name: 'web-1', decision: 'not-requested', reason: 'not-requested' });
    expect(record).not.toHaveProperty('generateName');
  });

  test('env values absent', () => {
    expect(fixture.log.text()).not.toContain(SECRET);
    expect(fixture.log.records.some((record) => record.msg === 'admission object')).toBe(false);
  });
});

describe('admission log at debug', () => {
  let fixture: WebhookFixture;

  beforeAll(async () => {
    fixture = await startWebhook({ logLevel: 'debug' });
  });

  afterAll(async () => {
    await fixture.close();
  });

  test('Pod logged with env values redacted', async () => {
    const uid = nextUid();
    await postJson(fixture.port, fixture.ca, review({ uid, object: pod({ 'sidecar-injector.io/inject': 'log-collector' }, env) }));

    const object = recordsFor(fixture, uid).find((record) => record.msg === 'admission object') as
      | { level: number; pod: { spec: { containers: { env: { name: string; value: string }[] }[] } } }
      | undefined;
    expect(object?.level).toBe(20);
    expect(object?.pod.spec.containers[0]?.env).toEqual([{ name: 'DB_PASSWORD', value: '[redacted]' }]);
    expect(fixture.log.text()).not.toContain(SECRET);
  });

  test('other kinds not logged', async () => {
    const uid = nextUid();
    const secret = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'db' }, stringData: { password: SECRET } };
    await postJson(fixture.port, fixture.ca, review({ uid, kind: { group: '', version: 'v1', kind: 'Secret' }, object: secret }));

    expect(recordsFor(fixture, uid).map((record) => record.msg)).toEqual(['admission']);
    expect(fixture.log.text()).not.toContain(SECRET);
  });

  test('invalid JSON body not logged', async () => {
    // V8's JSON.parse message quotes the start of the input, here the whole value.
    const res = await send({ port: fixture.port, ca: fixture.ca, body: SECRET, headers: { 'Content-Type': 'application/json' } });
    expect(res.status).toBe(400);
    expect(res.body).toContain(SECRET);

    const rejected = fixture.log.records.filter((record) => record.msg === 'mutate request rejected');
    expect(rejected.at(-1)).toMatchObject({ level: 40, status: 400, reason: 'invalid-json' });
    expect(fixture.log.text()).not.toContain(SECRET);
  });
});
