import { createReadiness } from '../../src/server/readiness.js';
import { send } from './support/https-client.js';
import { startWebhook, type WebhookFixture } from './support/webhook-fixture.js';

describe('createReadiness', () => {
  test('ready with no checks', () => {
    expect(createReadiness().notReady()).toEqual([]);
  });

  test('failing checks in registration order', () => {
    const readiness = createReadiness();
    let templatesLoaded = false;
    readiness.register('templates', () => templatesLoaded);
    readiness.register('certificate', () => true);
    readiness.register('namespace-cache', () => false);
    expect(readiness.notReady()).toEqual(['templates', 'namespace-cache']);

    templatesLoaded = true;
    expect(readiness.notReady()).toEqual(['namespace-cache']);
  });

  test('throwing check is not ready', () => {
    const readiness = createReadiness();
    readiness.register('certificate', () => {
      throw new Error('certificate file missing');
    });
    expect(readiness.notReady()).toEqual(['certificate']);
  });

  test('duplicate name rejected', () => {
    const readiness = createReadiness();
    readiness.register('templates', () => true);
    expect(() => readiness.register('templates', () => true)).toThrow(expect.objectContaining({ code: 'DuplicateCheck' }));
    expect(() => readiness.register('templates', () => true)).toThrow(/"templates" is already registered/);
  });
});

describe('GET /readyz', () => {
  let fixture: WebhookFixture;

  beforeAll(async () => {
    fixture = await startWebhook();
  });

  afterAll(async () => {
    await fixture.close();
  });

  const readyz = () => send({ port: fixture.port, ca: fixture.ca, method: 'GET', path: '/readyz' });

  test('200 when every check passes', async () => {
    const res = await readyz();
    expect(res.status).toBe(200);
    expect(res.body).toBe('ok\n');
  });

  test('503 names a registered check that fails', async () => {
    let synced = false;
    fixture.readiness.register('namespace-cache', () => synced);

    const waiting = await readyz();
    expect(waiting.status).toBe(503);
    expect(waiting.body).toBe('not ready: namespace-cache\n');

    synced = true;
    expect((await readyz()).status).toBe(200);
  });

  test('healthz stays 200 while not ready', async () => {
    fixture.readiness.register('certificate', () => false);
    const res = await send({ port: fixture.port, ca: fixture.ca, method: 'GET', path: '/healthz' });
    expect(res.status).toBe(200);
  });
});
