import https from 'node:https';
import { once } from 'node:events';
import tls from 'node:tls';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  HEADERS_TIMEOUT_MS,
  KEEP_ALIVE_TIMEOUT_MS,
  REQUEST_TIMEOUT_MS,
  type ServerTimeouts,
} from '../../src/server/https-server.js';
import { postJson } from './support/https-client.js';
import { review } from './support/reviews.js';
import { startWebhook, type WebhookFixture } from './support/webhook-fixture.js';

/** Maximum time kube-apiserver keeps an idle connection to a webhook (Go's http.Transport IdleConnTimeout). */
const API_SERVER_IDLE_MS = 90_000;

const fixtures: WebhookFixture[] = [];

async function start(timeouts?: Partial<ServerTimeouts>): Promise<WebhookFixture> {
  const fixture = await startWebhook(timeouts ? { timeouts } : {});
  fixtures.push(fixture);
  return fixture;
}

afterAll(async () => {
  await Promise.all(fixtures.map((fixture) => fixture.close()));
});

/** Opens a TLS connection, writes `text` and returns everything received until the server closes. */
async function rawExchange(fixture: WebhookFixture, text: string): Promise<string> {
  const socket = tls.connect({ host: '127.0.0.1', port: fixture.port, ca: fixture.ca });
  await once(socket, 'secureConnect');
  let received = '';
  socket.setEncoding('utf8');
  socket.on('data', (chunk: string) => {
    received += chunk;
  });
  socket.write(text);
  await once(socket, 'close');
  return received;
}

describe('server timeouts', () => {
  test('production values', async () => {
    const fixture = await start();
    const server = fixture.webhook.server;
    expect(server.keepAliveTimeout).toBe(KEEP_ALIVE_TIMEOUT_MS);
    expect(server.keepAliveTimeout).toBeGreaterThan(API_SERVER_IDLE_MS);
    expect(server.headersTimeout).toBe(HEADERS_TIMEOUT_MS);
    expect(server.requestTimeout).toBe(REQUEST_TIMEOUT_MS);
    expect(server.headersTimeout).toBeLessThanOrEqual(server.requestTimeout);

    const agent = new https.Agent({ keepAlive: true, ca: fixture.ca });
    try {
      const res = await postJson(fixture.port, fixture.ca, review(), agent);
      expect(res.headers['keep-alive']).toBe('timeout=120');
      expect(res.headers.connection).toBe('keep-alive');
    } finally {
      agent.destroy();
    }
  });

  test('slow headers cut off', async () => {
    const fixture = await start({ headersMs: 200, requestMs: 400, connectionsCheckingIntervalMs: 50 });
    const received = await rawExchange(fixture, 'POST /mutate HTTP/1.1\r\nHost: 127.0.0.1\r\n');
    expect(received).toMatch(/^HTTP\/1\.1 408 Request Timeout\r\n/);
  });

  test('slow body cut off', async () => {
    const fixture = await start({ headersMs: 200, requestMs: 400, connectionsCheckingIntervalMs: 50 });
    const head = 'POST /mutate HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n';
    const received = await rawExchange(fixture, `${head}{"apiVersion":`);
    expect(received).toMatch(/^HTTP\/1\.1 408 Request Timeout\r\n/);
  });

  test('idle keep-alive outlives headers timeout', async () => {
    const fixture = await start({ headersMs: 200, requestMs: 300, connectionsCheckingIntervalMs: 50 });
    const agent = new https.Agent({ keepAlive: true, maxSockets: 1, ca: fixture.ca });
    try {
      const first = await postJson(fixture.port, fixture.ca, review(), agent);
      // Idle for several times both timeouts and checking intervals.
      await sleep(1000);
      const second = await postJson(fixture.port, fixture.ca, review(), agent);

      expect(first.status).toBe(200);
      expect(second.status).toBe(200);
      expect(second.reusedSocket).toBe(true);
      expect(second.localPort).toBe(first.localPort);
    } finally {
      agent.destroy();
    }
  });

  test('idle keep-alive closed after keepAliveTimeout', async () => {
    const fixture = await start({ keepAliveMs: 300 });
    // A raw connection, because Node's agent itself drops sockets whose Keep-Alive hint is under a second.
    const received = await rawExchange(fixture, 'GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
    expect(received).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    expect(received).toMatch(/\r\nConnection: keep-alive\r\n/);
  });
});
