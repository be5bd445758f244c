import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { certificateNotAfter } from '../../src/tls/key-pair.js';
import { generateSelfSigned, type KeyPair } from '../../src/tls/self-signed.js';
import { fileTlsSource, type FileTlsSource } from '../../src/tls/tls-source.js';
import { KubeletSecretVolume } from './support/kubelet-volume.js';
import { recordEvents } from './support/source-events.js';

const POLL_MS = 20;
const silent = pino({ level: 'silent' });

let pairs: KeyPair[];
let dir: string;
const sources: FileTlsSource[] = [];

beforeAll(async () => {
  pairs = await Promise.all([1, 2, 3].map(() => generateSelfSigned(['127.0.0.1'])));
});

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'tls-source-'));
});

afterEach(async () => {
  sources.splice(0).forEach((source) => source.close());
  await rm(dir, { recursive: true, force: true });
});

async function open(certFile: string, keyFile: string): Promise<FileTlsSource> {
  const source = await fileTlsSource(certFile, keyFile, silent, POLL_MS);
  sources.push(source);
  return source;
}

async function kubeletVolume(pair: KeyPair): Promise<KubeletSecretVolume> {
  const volume = new KubeletSecretVolume(dir);
  await volume.update({ 'tls.crt': pair.cert, 'tls.key': pair.key });
  return volume;
}

describe('fileTlsSource', () => {
  test('loads the initial pair', async () => {
    const volume = await kubeletVolume(pairs[0]!);
    const source = await open(volume.file('tls.crt'), volume.file('tls.key'));
    expect(source.current()).toEqual(pairs[0]);
    expect(source.notAfter()).toEqual(certificateNotAfter(pairs[0]!.cert));
  });

  test('mismatched pair at start', async () => {
    const volume = new KubeletSecretVolume(dir);
    await volume.update({ 'tls.crt': pairs[0]!.cert, 'tls.key': pairs[1]!.key });
    await expect(fileTlsSource(volume.file('tls.crt'), volume.file('tls.key'), silent, POLL_MS)).rejects.toMatchObject({
      code: 'InvalidKeyPair',
    });
  });

  test('kubelet swap reloads', async () => {
    const volume = await kubeletVolume(pairs[0]!);
    const source = await open(volume.file('tls.crt'), volume.file('tls.key'));
    const events = recordEvents(source);

    await volume.update({ 'tls.crt': pairs[1]!.cert, 'tls.key': pairs[1]!.key });
    await events.untilChanges(1);
    expect(events.changes[0]).toEqual(pairs[1]);
    expect(source.current()).toEqual(pairs[1]);

    await volume.update({ 'tls.crt': pairs[2]!.cert, 'tls.key': pairs[2]!.key });
    await events.untilChanges(2);
    expect(source.current()).toEqual(pairs[2]);
    expect(events.rejections).toEqual([]);
  });

  test('mismatched swap keeps the old pair', async () => {
    const volume = await kubeletVolume(pairs[0]!);
    const source = await open(volume.file('tls.crt'), volume.file('tls.key'));
    const events = recordEvents(source);

    await volume.update({ 'tls.crt': pairs[1]!.cert, 'tls.key': pairs[2]!.key });
    await events.untilRejections(1);
    expect(events.rejections[0]).toMatchObject({ code: 'InvalidKeyPair' });
    expect(source.current()).toEqual(pairs[0]);

    await volume.update({ 'tls.crt': pairs[1]!.cert, 'tls.key': pairs[1]!.key });
    await events.untilChanges(1);
    expect(source.current()).toEqual(pairs[1]);
  });

  test('half-written cert keeps the old pair', async () => {
    const certFile = path.join(dir, 'tls.crt');
    const keyFile = path.join(dir, 'tls.key');
    await writeFile(certFile, pairs[0]!.cert);
    await writeFile(keyFile, pairs[0]!.key);
    const source = await open(certFile, keyFile);
    const events = recordEvents(source);

    await writeFile(keyFile, pairs[1]!.key);
    await writeFile(certFile, pairs[1]!.cert.slice(0, pairs[1]!.cert.length / 2));
    await events.untilRejections(1);
    expect(source.current()).toEqual(pairs[0]);

    await writeFile(certFile, pairs[1]!.cert);
    await events.untilChanges(1);
    expect(source.current()).toEqual(pairs[1]);
  });

  test('bad files reported once', async () => {
    const volume = await kubeletVolume(pairs[0]!);
    const source = await open(volume.file('tls.crt'), volume.file('tls.key'));
    const events = recordEvents(source);

    await volume.overwriteInPlace('tls.key', pairs[1]!.key);
    await events.untilRejections(1);
    expect(await source.reload()).toBe('rejected');
    expect(await source.reload()).toBe('rejected');
    expect(events.rejections).toHaveLength(1);
  });

  test('missing key file keeps the old pair', async () => {
    const certFile = path.join(dir, 'tls.crt');
    const keyFile = path.join(dir, 'tls.key');
    await writeFile(certFile, pairs[0]!.cert);
    await writeFile(keyFile, pairs[0]!.key);
    const source = await open(certFile, keyFile);
    const events = recordEvents(source);

    await rm(keyFile);
    await events.untilRejections(1);
    expect(events.rejections[0]).toMatchObject({ code: 'ENOENT' });
    expect(source.current()).toEqual(pairs[0]);
  });

  test('reload of unchanged files', async () => {
    const volume = await kubeletVolume(pairs[0]!);
    const source = await open(volume.file('tls.crt'), volume.file('tls.key'));
    expect(await source.reload()).toBe('unchanged');
  });
});
