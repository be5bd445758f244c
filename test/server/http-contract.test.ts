import fastJsonPatch, { type Operation } from 'fast-json-patch';
import { send, postJson } from './support/https-client.js';
import { nextUid, pod, review } from './support/reviews.js';
import { startWebhook, type WebhookFixture } from './support/webhook-fixture.js';

const MiB = 1024 * 1024;

let fixture: WebhookFixture;

beforeAll(async () => {
  fixture = await startWebhook();
});

afterAll(async () => {
  await fixture.close();
});

function allowedReview(uid: string) {
  return { apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', response: { uid, allowed: true } };
}

async function admitReview(body: unknown) {
  const res = await postJson(fixture.port, fixture.ca, body);
  expect(res.status).toBe(200);
  expect(res.headers['content-type']).toBe('application/json');
  return JSON.parse(res.body) as { apiVersion: string; kind: string; response: Record<string, unknown> };
}

function decodePatch(response: Record<string, unknown>): Operation[] {
  return JSON.parse(Buffer.from(response.patch as string, 'base64').toString('utf8')) as Operation[];
}

describe('POST /mutate allowed without patch', () => {
  const cases = [
    ['non-Pod kind', { kind: { group: '', version: 'v1', kind: 'ConfigMap' }, object: { apiVersion: 'v1', kind: 'ConfigMap', data: {} } }],
    ['DELETE', { operation: 'DELETE', object: null, name: 'web-1' }],
    ['UPDATE', { operation: 'UPDATE', object: pod({ 'sidecar-injector.io/inject': 'log-collector' }), name: 'web-1' }],
    ['subresource', { operation: 'UPDATE', subResource: 'ephemeralcontainers', object: pod({ 'sidecar-injector.io/inject': 'log-collector' }) }],
    ['Pod without inject annotation', {}],
  ] as const;

  test.each(cases)('%s', async (_name, fields) => {
    const uid = nextUid();
    const body = await admitReview(review({ ...fields, uid }));
    expect(body).toEqual(allowedReview(uid));
  });
});

describe('POST /mutate patched Pod', () => {
  const requested = pod({ 'sidecar-injector.io/inject': 'log-collector' });

  test('response fields', async () => {
    const uid = nextUid();
    const body = await admitReview(review({ uid, object: requested }));
    expect(body.apiVersion).toBe('admission.k8s.io/v1');
    expect(body.kind).toBe('AdmissionReview');
    expect(Object.keys(body.response).sort()).toEqual(['allowed', 'patch', 'patchType', 'uid']);
    expect(body.response.uid).toBe(uid);
    expect(body.response.allowed).toBe(true);
    expect(body.response.patchType).toBe('JSONPatch');
  });

  test('patch adds the sidecar', async () => {
    const body = await admitReview(review({ object: requested }));
    const patch = decodePatch(body.response);
    expect(patch.every((operation) => operation.op === 'add')).toBe(true);

    const patched = fastJsonPatch.applyPatch(structuredClone(requested), patch, true, false).newDocument as {
      metadata: { annotations: Record<string, string> };
      spec: { containers: { name: string }[] };
    };
    expect(patched.spec.containers.map((container) => container.name)).toEqual(['app', 'log-collector']);
    expect(JSON.parse(patched.metadata.annotations['sidecar-injector.io/status']!)).toMatchObject({ containers: ['log-collector'] });
  });

  test('dryRun gives the same answer', async () => {
    const uid = nextUid();
    const normal = await admitReview(review({ uid, object: requested }));
    const dryRun = await admitReview(review({ uid, object: requested, dryRun: true }));
    expect(dryRun).toEqual(normal);
  });

  test('dryRun of a non-Pod gives the same answer', async () => {
    const uid = nextUid();
    const kind = { group: 'apps', version: 'v1', kind: 'Deployment' };
    const normal = await admitReview(review({ uid, kind, object: {} }));
    const dryRun = await admitReview(review({ uid, kind, object: {}, dryRun: true }));
    expect(dryRun).toEqual(normal);
    expect(dryRun).toEqual(allowedReview(uid));
  });
});

describe('POST /mutate denial', () => {
  test('unknown template', async () => {
    const uid = nextUid();
    const body = await admitReview(review({ uid, object: pod({ 'sidecar-injector.io/inject': 'nope' }) }));
    expect(body).toEqual({
      apiVersion: 'admission.k8s.io/v1',
      kind: 'AdmissionReview',
      response: {
        uid,
        allowed: false,
        status: { code: 403, reason: 'Forbidden', message: expect.stringContaining('"nope"') },
      },
    });
    expect(body.response.status).toEqual(expect.objectContaining({ message: expect.stringContaining('log-collector') }));
  });
});

describe('POST /mutate HTTP errors', () => {
  const json = { 'Content-Type': 'application/json' };

  async function expectError(body: string | Buffer, headers: Record<string, string>, status: number, message: RegExp) {
    const res = await send({ port: fixture.port, ca: fixture.ca, body, headers });
    expect(res.status).toBe(status);
    expect(res.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(res.body).toMatch(message);
  }

  test('400 for non-JSON', async () => {
    await expectError('{"apiVersion": ', json, 400, /^request body is not valid JSON/);
  });

  test('400 for v1beta1', async () => {
    const body = { ...review(), apiVersion: 'admission.k8s.io/v1beta1' };
    await expectError(JSON.stringify(body), json, 400, /apiVersion is "admission.k8s.io\/v1beta1"; expected "admission.k8s.io\/v1"/);
  });

  test('400 for missing request', async () => {
    const body = { apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview' };
    await expectError(JSON.stringify(body), json, 400, /no request/);
  });

  test('400 for missing uid', async () => {
    const body = review();
    delete body.request.uid;
    await expectError(JSON.stringify(body), json, 400, /no uid/);
  });

  test('400 for a JSON array', async () => {
    await expectError('[]', json, 400, /not a JSON object/);
  });

  test('415 for a wrong content type', async () => {
    await expectError(JSON.stringify(review()), { 'Content-Type': 'application/yaml' }, 415, /unsupported Content-Type "application\/yaml"/);
  });

  test('415 without content type', async () => {
    await expectError(JSON.stringify(review()), {}, 415, /unsupported Content-Type ""/);
  });

  test('413 for a body over the limit', async () => {
    await expectError(Buffer.alloc(9 * MiB, 0x20), json, 413, /larger than the limit of 8388608 bytes/);
  });

  test('413 for a chunked body over the limit', async () => {
    const headers = { ...json, 'Transfer-Encoding': 'chunked' };
    await expectError(Buffer.alloc(9 * MiB, 0x20), headers, 413, /larger than the limit of 8388608 bytes/);
  });
});

describe('POST /mutate large body', () => {
  test('3.5 MiB is accepted', async () => {
    const uid = nextUid();
    const big = pod({ 'example.com/blob': 'x'.repeat(3.5 * MiB) });
    const body = JSON.stringify(review({ uid, object: big }));
    expect(Buffer.byteLength(body)).toBeGreaterThan(3.5 * MiB);

    const res = await send({ port: fixture.port, ca: fixture.ca, body, headers: { 'Content-Type': 'application/json' } });
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body)).toEqual(allowedReview(uid));
  });
});
