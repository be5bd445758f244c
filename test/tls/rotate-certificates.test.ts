import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import type { CertificateBundle } from '../../src/tls/certificate-bundle.js';
import { InMemoryCertificateStore, StoreConflictError, type CertificateStore } from '../../src/tls/certificate-store.js';
import { RotationStep } from '../../src/tls/next-bundle.js';
import { MAX_STORE_ATTEMPTS, rotateCertificates } from '../../src/tls/rotate-certificates.js';
import { DEFAULT_ROTATION_POLICY } from '../../src/tls/rotation-policy.js';
import { fileTlsSource } from '../../src/tls/tls-source.js';
import { recordEvents } from './support/source-events.js';

const DAY_MS = 86_400_000;
const target = { service: 'sidecar-injector', namespace: 'injection' } as const;

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'rotate-'));
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function files(replica: string) {
  return { certFile: path.join(dir, `${replica}.crt`), keyFile: path.join(dir, `${replica}.key`) };
}

/** A store whose every save loses a race. */
class AlwaysConflictingStore implements CertificateStore {
  saves = 0;

  async load() {
    return undefined;
  }

  async save(_bundle: CertificateBundle, _expectedVersion: string | undefined): Promise<string> {
    this.saves += 1;
    throw new StoreConflictError('stored certificate bundle changed; load it again');
  }
}

describe('rotateCertificates', () => {
  test('writes the serving pair', async () => {
    const store = new InMemoryCertificateStore();
    const result = await rotateCertificates({ store, ...target, ...files('a') });

    expect(result.steps).toEqual([RotationStep.Created]);
    expect(await readFile(files('a').certFile, 'utf8')).toBe(result.bundle.serving.cert);
    expect(await readFile(files('a').keyFile, 'utf8')).toBe(result.bundle.serving.key);
    expect((await stat(files('a').keyFile)).mode & 0o777).toBe(0o600);
    expect(result.caBundle).toBe(result.bundle.signingCa.cert);
    expect(store.storedData()?.['tls.crt']).toBe(result.bundle.serving.cert);
  });

  test('second run changes nothing', async () => {
    const store = new InMemoryCertificateStore();
    const first = await rotateCertificates({ store, ...target, ...files('a') });
    const second = await rotateCertificates({ store, ...target, ...files('a') });
    expect(second.steps).toEqual([]);
    expect(second.bundle).toEqual(first.bundle);
    expect(store.saves).toBe(1);
  });

  test('replicas racing agree on one bundle', async () => {
    const store = new InMemoryCertificateStore();
    const [a, b] = await Promise.all([
      rotateCertificates({ store, ...target, ...files('a') }),
      rotateCertificates({ store, ...target, ...files('b') }),
    ]);

    expect(store.saves).toBe(1);
    expect(a.bundle).toEqual(b.bundle);
    expect(await readFile(files('a').certFile, 'utf8')).toBe(await readFile(files('b').certFile, 'utf8'));
  });

  test('gives up after repeated conflicts', async () => {
    const store = new AlwaysConflictingStore();
    await expect(rotateCertificates({ store, ...target, ...files('a') })).rejects.toMatchObject({ code: 'StoreConflict' });
    expect(store.saves).toBe(MAX_STORE_ATTEMPTS);
  });

  test('invalid policy rejected', async () => {
    const store = new InMemoryCertificateStore();
    const policy = { ...DEFAULT_ROTATION_POLICY, renewRemainingFraction: 2 };
    await expect(rotateCertificates({ store, ...target, ...files('a'), policy })).rejects.toMatchObject({ code: 'InvalidRotationPolicy' });
    expect(store.saves).toBe(0);
  });

  test('file TLS source picks up a renewal', async () => {
    const store = new InMemoryCertificateStore();
    const start = new Date();
    await rotateCertificates({ store, ...target, ...files('a'), now: start });
    const source = await fileTlsSource(files('a').certFile, files('a').keyFile, pino({ level: 'silent' }), 20);
    const events = recordEvents(source);
    try {
      const later = new Date(start.getTime() + (DEFAULT_ROTATION_POLICY.servingValidityDays * 2) / 3 * DAY_MS + 60_000);
      const renewed = await rotateCertificates({ store, ...target, ...files('a'), now: later });
      expect(renewed.steps).toEqual([RotationStep.ServingRenewed]);

      await events.untilChanges(1);
      expect(source.current()).toEqual(renewed.bundle.serving);
    } finally {
      source.close();
    }
  });
});
