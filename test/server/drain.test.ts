import https from 'node:https';
import { once } from 'node:events';
import type { IncomingMessage } from 'node:http';
import type { TLSSocket } from 'node:tls';
import { postJson, send } from './support/https-client.js';
import { review } from './support/reviews.js';
import { startWebhook, type WebhookFixture } from './support/webhook-fixture.js';

const GRACE_MS = 300;

/** A POST /mutate whose body is sent in two parts, so it can be held in flight. */
interface HeldRequest {
  readonly socket: TLSSocket;
  /** Sends the rest of the body. */
  finish(): void;
  /** Settles with the response, or rejects when the connection closes first. */
  readonly response: Promise<{ status: number; connection: string | undefined; body: string }>;
}

/** Starts a request and resolves once the server has received its headers. */
async function holdRequest(fixture: WebhookFixture, agent: https.Agent | false = false): Promise<HeldRequest> {
  const body = JSON.stringify(review());
  const half = Math.floor(body.length / 2);
  const req = https.request({
    host: '127.0.0.1',
    port: fixture.port,
    method: 'POST',
    path: '/mutate',
    ca: fixture.ca,
    agent,
    headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) },
  });
  const response = new Promise<{ status: number; connection: string | undefined; body: string }>((resolve, reject) => {
    req.on('response', (res: IncomingMessage) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, connection: res.headers.connection, body: text }));
    });
    req.on('error', reject);
  });
  const arrived = once(fixture.webhook.server, 'request');
  const [socket] = (await once(req, 'socket')) as [TLSSocket];
  req.write(body.slice(0, half));
  await arrived;
  return { socket, finish: () => req.end(body.slice(half)), response };
}

let fixture: WebhookFixture;

beforeEach(async () => {
  fixture = await startWebhook({ drainGraceMs: GRACE_MS });
});

afterEach(async () => {
  await fixture.close();
});

describe('drain', () => {
  test('serves during the window, then closes', async () => {
    const agent = new https.Agent({ keepAlive: true, maxSockets: 1, ca: fixture.ca });
    const before = await postJson(fixture.port, fixture.ca, review(), agent);
    expect(before.headers.connection).toBe('keep-alive');
    const inFlight = await holdRequest(fixture);
    const stalled = await holdRequest(fixture);
    const stalledClosed = once(stalled.socket, 'close');

    const drained = fixture.webhook.drain(1);
    expect(fixture.webhook.isDraining()).toBe(true);
    expect(fixture.webhook.drain(1)).toBe(drained);

    const ready = await send({ port: fixture.port, ca: fixture.ca, method: 'GET', path: '/readyz' });
    expect(ready.status).toBe(503);
    expect(ready.body).toBe('not ready: draining\n');

    const reused = await postJson(fixture.port, fixture.ca, review(), agent);
    expect(reused.status).toBe(200);
    expect(reused.reusedSocket).toBe(true);
    expect(reused.headers.connection).toBe('close');

    inFlight.finish();
    const finished = await inFlight.response;
    expect(finished.status).toBe(200);
    expect(finished.connection).toBe('close');

    const fresh = await postJson(fixture.port, fixture.ca, review());
    expect(fresh.status).toBe(200);
    expect(fresh.headers.connection).toBe('close');

    await drained;
    await stalledClosed;
    await expect(stalled.response).rejects.toMatchObject({ code: 'ECONNRESET' });
    await expect(postJson(fixture.port, fixture.ca, review())).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    expect(fixture.log.records.map((record) => record.msg)).toContain('requests still running after the drain grace; closing their connections');
    agent.destroy();
  });

  test('idle keep-alive closed at window end', async () => {
    const agent = new https.Agent({ keepAlive: true, maxSockets: 1, ca: fixture.ca });
    const req = https.request({ host: '127.0.0.1', port: fixture.port, path: '/healthz', agent });
    const [socket] = (await once(req, 'socket')) as [TLSSocket];
    req.end();
    const [res] = (await once(req, 'response')) as [IncomingMessage];
    res.resume();
    await once(res, 'end');
    const closed = once(socket, 'close');

    await fixture.webhook.drain(1);
    await closed;
    expect(socket.destroyed).toBe(true);
    expect(fixture.log.records.map((record) => record.msg)).not.toContain('requests still running after the drain grace; closing their connections');
    agent.destroy();
  });

  test('window of zero seconds', async () => {
    await fixture.webhook.drain(0);
    await expect(postJson(fixture.port, fixture.ca, review())).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });
});
