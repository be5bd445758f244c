import https from 'node:https';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { certificateFingerprint, certificateNotAfter } from '../../src/tls/key-pair.js';
import { generateSelfSigned, type KeyPair } from '../../src/tls/self-signed.js';
import { fileTlsSource, type FileTlsSource } from '../../src/tls/tls-source.js';
import { postJson, send, type ClientResponse } from '../server/support/https-client.js';
import { review } from '../server/support/reviews.js';
import { startWebhook, type WebhookFixture } from '../server/support/webhook-fixture.js';
import { KubeletSecretVolume } from './support/kubelet-volume.js';
import { recordEvents, type SourceEvents } from './support/source-events.js';

const SWAPS = 4;
/** Bound on the requests sent while one swap is waited for. */
const MAX_REQUESTS_PER_SWAP = 400;

let pairs: KeyPair[];
let trusted: string[];
let dir: string;
let volume: KubeletSecretVolume;
let source: FileTlsSource;
let events: SourceEvents;
let fixture: WebhookFixture;
let agent: https.Agent;

beforeAll(async () => {
  pairs = await Promise.all(Array.from({ length: SWAPS + 2 }, () => generateSelfSigned(['127.0.0.1'])));
  trusted = pairs.map((pair) => pair.cert);
  dir = await mkdtemp(path.join(tmpdir(), 'tls-reload-'));
  volume = new KubeletSecretVolume(dir);
  await volume.update({ 'tls.crt': pairs[0]!.cert, 'tls.key': pairs[0]!.key });
  source = await fileTlsSource(volume.file('tls.crt'), volume.file('tls.key'), pino({ level: 'silent' }), 20);
  events = recordEvents(source);
  fixture = await startWebhook({ tls: source });
  agent = new https.Agent({ keepAlive: true, maxSockets: 1, ca: trusted });
});

afterAll(async () => {
  agent.destroy();
  source.close();
  await fixture.close();
  await rm(dir, { recursive: true, force: true });
});

function fresh(): Promise<ClientResponse> {
  return send({ port: fixture.port, ca: trusted, method: 'GET', path: '/healthz' });
}

function onKeptConnection(): Promise<ClientResponse> {
  return postJson(fixture.port, trusted[0]!, review(), agent);
}

/** Sends requests on the keep-alive connection until `done` holds; returns the responses. */
async function sendUntil(done: () => boolean): Promise<ClientResponse[]> {
  const responses: ClientResponse[] = [];
  while (!done() && responses.length < MAX_REQUESTS_PER_SWAP) {
    responses.push(await onKeptConnection());
  }
  return responses;
}

describe('certificate reload', () => {
  test('swaps under keep-alive load', async () => {
    const first = await onKeptConnection();
    expect(first.status).toBe(200);
    expect(first.peerFingerprint).toBe(certificateFingerprint(pairs[0]!.cert));

    let sentDuringSwaps = 0;
    for (let swap = 1; swap <= SWAPS; swap++) {
      const pair = pairs[swap]!;
      const swapped = volume.update({ 'tls.crt': pair.cert, 'tls.key': pair.key });
      const responses = await sendUntil(() => events.changes.length >= swap);
      await swapped;
      await events.untilChanges(swap);

      for (const res of responses) {
        expect(res.status).toBe(200);
        expect(res.localPort).toBe(first.localPort);
        expect(res.peerFingerprint).toBe(first.peerFingerprint);
      }
      sentDuringSwaps += responses.length;
      const next = await fresh();
      expect(next.peerFingerprint).toBe(certificateFingerprint(pair.cert));
    }

    expect(sentDuringSwaps).toBeGreaterThanOrEqual(SWAPS);
    const after = await onKeptConnection();
    expect(after.status).toBe(200);
    expect(after.localPort).toBe(first.localPort);
    expect(events.rejections).toEqual([]);
  });

  test('mismatched pair keeps serving the old one', async () => {
    const before = (await fresh()).peerFingerprint;
    const rejectionsBefore = events.rejections.length;
    const last = pairs[SWAPS + 1]!;

    await volume.update({ 'tls.crt': last.cert, 'tls.key': pairs[0]!.key });
    await events.untilRejections(rejectionsBefore + 1);
    expect((await fresh()).peerFingerprint).toBe(before);
    expect((await onKeptConnection()).status).toBe(200);

    await volume.update({ 'tls.crt': last.cert, 'tls.key': last.key });
    await events.untilChanges(SWAPS + 1);
    expect((await fresh()).peerFingerprint).toBe(certificateFingerprint(last.cert));
  });

  test('expiry gauge follows the reload', async () => {
    const gauge = await fixture.metrics.certificateExpiry.get();
    expect(gauge.values[0]?.value).toBe(source.notAfter().getTime() / 1000);
    expect(source.notAfter()).toEqual(certificateNotAfter(pairs[SWAPS + 1]!.cert));
  });
});
