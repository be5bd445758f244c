import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { certificateFingerprint } from '../../src/tls/key-pair.js';
import { generateSelfSigned, type KeyPair } from '../../src/tls/self-signed.js';
import { fileTlsSource, type FileTlsSource } from '../../src/tls/tls-source.js';
import { send } from '../server/support/https-client.js';
import { startWebhook, type WebhookFixture } from '../server/support/webhook-fixture.js';
import { KubeletSecretVolume } from './support/kubelet-volume.js';
import { recordEvents } from './support/source-events.js';

let pairs: KeyPair[];
let dir: string;
let source: FileTlsSource;
let volume: KubeletSecretVolume;
let strict: WebhookFixture;
let lenient: WebhookFixture;

beforeAll(async () => {
  pairs = await Promise.all([1, 2].map(() => generateSelfSigned(['127.0.0.1'])));
  dir = await mkdtemp(path.join(tmpdir(), 'tls-versions-'));
  volume = new KubeletSecretVolume(dir);
  await volume.update({ 'tls.crt': pairs[0]!.cert, 'tls.key': pairs[0]!.key });
  source = await fileTlsSource(volume.file('tls.crt'), volume.file('tls.key'), pino({ level: 'silent' }), 20);
  strict = await startWebhook({ tls: source });
  lenient = await startWebhook({ minVersion: 'TLSv1.2' });
});

afterAll(async () => {
  source.close();
  await strict.close();
  await lenient.close();
  await rm(dir, { recursive: true, force: true });
});

function healthz(fixture: WebhookFixture, maxVersion?: 'TLSv1.2') {
  return send({ port: fixture.port, ca: pairs.map((pair) => pair.cert).concat(fixture.ca), method: 'GET', path: '/healthz', ...(maxVersion ? { maxVersion } : {}) });
}

describe('TLS versions', () => {
  test('1.3 by default', async () => {
    const res = await healthz(strict);
    expect(res.status).toBe(200);
    expect(res.protocol).toBe('TLSv1.3');
  });

  test('1.2 rejected by default', async () => {
    await expect(healthz(strict, 'TLSv1.2')).rejects.toMatchObject({ code: 'EPROTO', message: expect.stringMatching(/protocol version/i) });
  });

  test('1.2 allowed with minVersion TLSv1.2', async () => {
    const res = await healthz(lenient, 'TLSv1.2');
    expect(res.status).toBe(200);
    expect(res.protocol).toBe('TLSv1.2');
  });

  test('1.3 still preferred with minVersion TLSv1.2', async () => {
    const res = await healthz(lenient);
    expect(res.protocol).toBe('TLSv1.3');
  });

  test('1.2 still rejected after a reload', async () => {
    const events = recordEvents(source);
    await volume.update({ 'tls.crt': pairs[1]!.cert, 'tls.key': pairs[1]!.key });
    await events.untilChanges(1);

    const res = await healthz(strict);
    expect(res.peerFingerprint).toBe(certificateFingerprint(pairs[1]!.cert));
    await expect(healthz(strict, 'TLSv1.2')).rejects.toMatchObject({ code: 'EPROTO', message: expect.stringMatching(/protocol version/i) });
  });
});
