import { send } from './support/https-client.js';
import { startWebhook, type WebhookFixture } from './support/webhook-fixture.js';

let fixture: WebhookFixture;

beforeAll(async () => {
  fixture = await startWebhook();
});

afterAll(async () => {
  await fixture.close();
});

function post(path: string, body: string, contentType = 'application/json') {
  return send({ port: fixture.port, ca: fixture.ca, path, headers: { 'content-type': contentType }, body });
}

describe('POST /explain', () => {
  test('explains a Pod', async () => {
    const pod = { metadata: { name: 'p', annotations: { 'sidecar-injector.io/inject': 'log-collector' } }, spec: { containers: [{ name: 'app', image: 'app' }] } };
    const response = await post('/explain?namespace=shop', JSON.stringify(pod));
    expect(response.status).toBe(200);
    const explanation = JSON.parse(response.body);
    expect(explanation.namespace).toBe('shop');
    expect(explanation.decision).toBe('injected');
    expect(explanation.templates[0].name).toBe('log-collector');
  });

  test.each([
    ['broken JSON', '{bad', 'application/json', 400],
    ['null body', 'null', 'application/json', 400],
    ['text body', 'hello', 'text/plain', 415],
    ['a body over the limit', JSON.stringify({ spec: { x: 'y'.repeat(9 * 1024 * 1024) } }), 'application/json', 413],
  ])('%s gets %#', async (_name, body, contentType, status) => {
    const response = await post('/explain', body, contentType);
    expect(response.status).toBe(status);
    expect(response.body).not.toContain('internal error');
  });
});

describe('/mutate methods and charsets', () => {
  test('GET is 405', async () => {
    const response = await send({ port: fixture.port, ca: fixture.ca, method: 'GET', path: '/mutate' });
    expect(response.status).toBe(405);
    expect(response.headers.allow).toBe('POST');
  });

  test('UTF-16 body is 415', async () => {
    const response = await post('/mutate', '{}', 'application/json; charset=utf-16');
    expect(response.status).toBe(415);
  });

  test('numeric uid is named', async () => {
    const response = await post('/mutate', JSON.stringify({ apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', request: { uid: 7 } }));
    expect(response.status).toBe(400);
    expect(response.body).toBe('request.uid is a number; expected a string\n');
  });
});
