import { X509Certificate } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { isIssuedBy } from '../../src/tls/certificate-authority.js';
import { InMemoryCertificateStore } from '../../src/tls/certificate-store.js';
import { RotationStep } from '../../src/tls/next-bundle.js';
import { rotateCertificates, type RotationResult } from '../../src/tls/rotate-certificates.js';
import { DEFAULT_ROTATION_POLICY, renewalTime } from '../../src/tls/rotation-policy.js';
import { staticTlsSource } from '../../src/tls/tls-source.js';
import { send } from '../server/support/https-client.js';
import { startWebhook } from '../server/support/webhook-fixture.js';

const DAY_MS = 86_400_000;
const STEP_MS = 6 * 60 * 60_000;
const policy = DEFAULT_ROTATION_POLICY;
const SERVICE_NAME = 'sidecar-injector.injection.svc';

/** One rotation run of the simulated timeline. */
interface Run {
  readonly now: Date;
  readonly result: RotationResult;
}

/** A serving certificate issued during the timeline, with the CA that signed it. */
interface Issued {
  readonly cert: string;
  readonly caCert: string;
  readonly issuedAt: Date;
  readonly notAfter: Date;
}

function pemCertificates(bundle: string): string[] {
  return bundle.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----\n/g) ?? [];
}

function notAfter(cert: string): Date {
  return new X509Certificate(cert).validToDate;
}

// The timeline is simulated, but TLS clients check validity against the real
// clock. So the timeline starts far enough in the past that the CA rotation
// overlap falls on today. The first CA is due two thirds into its validity and
// its successor is promoted within a day. `overlapStep` is two days after the due time.
const daysToOverlap = policy.caValidityDays * (1 - policy.renewRemainingFraction) + 2;
const overlapStep = Math.ceil((daysToOverlap * DAY_MS) / STEP_MS);
const lastStep = overlapStep + Math.ceil(((policy.servingValidityDays + 5) * DAY_MS) / STEP_MS);
const start = Date.now() - overlapStep * STEP_MS;

let dir: string;
const runs: Run[] = [];
const issued: Issued[] = [];

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'rotation-'));
  const store = new InMemoryCertificateStore();
  const files = { certFile: path.join(dir, 'tls.crt'), keyFile: path.join(dir, 'tls.key') };
  // Each run gets the caBundle of the run before as published, as if the webhook configuration was patched in between.
  let publishedCaBundle = '';
  for (let step = 0; step <= lastStep; step++) {
    const now = new Date(start + step * STEP_MS);
    const result = await rotateCertificates({ store, service: 'sidecar-injector', namespace: 'injection', ...files, now, publishedCaBundle });
    publishedCaBundle = result.caBundle;
    runs.push({ now, result });
    const served = result.bundle.serving.cert;
    if (issued.at(-1)?.cert !== served) {
      issued.push({ cert: served, caCert: result.bundle.signingCa.cert, issuedAt: now, notAfter: notAfter(served) });
    }
    expect(await readFile(files.certFile, 'utf8')).toBe(served);
  }
}, 120_000);

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function firstRunWith(step: RotationStep): number {
  const index = runs.findIndex((run) => run.result.steps.includes(step));
  expect(index).toBeGreaterThanOrEqual(0);
  return index;
}

describe('CA rotation sequence', () => {
  test('steps happen in order', () => {
    expect(runs[0]!.result.steps).toEqual([RotationStep.Created]);
    const added = firstRunWith(RotationStep.NextCaAdded);
    const published = firstRunWith(RotationStep.NextCaPublished);
    const promoted = firstRunWith(RotationStep.CaPromoted);
    const dropped = firstRunWith(RotationStep.PreviousCaDropped);
    expect(published).toBe(added + 1);
    expect(published).toBeLessThan(promoted);
    expect(promoted).toBeLessThan(dropped);
    expect(runs.filter((run) => run.result.steps.includes(RotationStep.NextCaAdded))).toHaveLength(1);
  });

  test('next CA added when the first is due', () => {
    const firstCa = runs[0]!.result.bundle.signingCa.cert;
    const added = runs[firstRunWith(RotationStep.NextCaAdded)]!;
    expect(added.now.getTime()).toBeGreaterThanOrEqual(renewalTime(firstCa, policy.renewRemainingFraction).getTime());
    expect(added.now.getTime() - STEP_MS).toBeLessThan(renewalTime(firstCa, policy.renewRemainingFraction).getTime());
    expect(pemCertificates(added.result.caBundle)).toHaveLength(2);
    expect(isIssuedBy(added.result.bundle.serving.cert, firstCa)).toBe(true);
  });

  test('promotion waits for propagation', () => {
    const added = runs[firstRunWith(RotationStep.NextCaAdded)]!;
    const published = runs[firstRunWith(RotationStep.NextCaPublished)]!;
    const promoted = runs[firstRunWith(RotationStep.CaPromoted)]!;
    expect(published.result.bundle.nextCa?.trustedSince).toEqual(published.now);
    expect(promoted.now.getTime() - published.now.getTime()).toBeGreaterThanOrEqual(policy.caPropagationMs);
    expect(promoted.result.bundle.signingCa).toEqual(added.result.bundle.nextCa!.pair);
    expect(isIssuedBy(promoted.result.bundle.serving.cert, promoted.result.bundle.signingCa.cert)).toBe(true);
    expect(pemCertificates(promoted.result.caBundle)).toHaveLength(2);
  });

  test('every valid certificate stays trusted', () => {
    for (const run of runs) {
      const trusted = pemCertificates(run.result.caBundle);
      const valid = issued.filter((cert) => cert.issuedAt <= run.now && cert.notAfter > run.now);
      expect(valid.length).toBeGreaterThan(0);
      for (const cert of valid) {
        expect(trusted).toContain(cert.caCert);
      }
    }
  });

  test('old CA dropped once its certificates expired', () => {
    const firstCa = runs[0]!.result.bundle.signingCa.cert;
    const dropped = runs[firstRunWith(RotationStep.PreviousCaDropped)]!;
    const lastFromFirstCa = Math.max(...issued.filter((cert) => cert.caCert === firstCa).map((cert) => cert.notAfter.getTime()));
    expect(dropped.now.getTime()).toBeGreaterThanOrEqual(lastFromFirstCa);
    expect(dropped.now.getTime() - STEP_MS).toBeLessThan(lastFromFirstCa);
    expect(pemCertificates(dropped.result.caBundle)).toEqual([dropped.result.bundle.signingCa.cert]);
    expect(pemCertificates(runs.at(-1)!.result.caBundle)).not.toContain(firstCa);
  });
});

describe('CA rotation overlap over TLS', () => {
  const get = async (serving: { cert: string; key: string }, ca: string | string[]) => {
    const fixture = await startWebhook({ tls: staticTlsSource(serving) });
    try {
      return await send({ port: fixture.port, ca, servername: SERVICE_NAME, method: 'GET', path: '/healthz' });
    } finally {
      await fixture.close();
    }
  };

  test('bundle accepts old and new serving certs', async () => {
    const overlap = runs[overlapStep]!;
    const previousCa = overlap.result.bundle.previousCa?.cert;
    expect(previousCa).toBeDefined();
    const oldServing = runs.findLast((run) => run.result.bundle.signingCa.cert === previousCa)!.result.bundle.serving;
    const newServing = overlap.result.bundle.serving;
    const bundle = pemCertificates(overlap.result.caBundle);

    expect((await get(oldServing, bundle)).status).toBe(200);
    expect((await get(newServing, bundle)).status).toBe(200);
  });

  test('old CA alone rejects the new serving cert', async () => {
    const overlap = runs[overlapStep]!;
    await expect(get(overlap.result.bundle.serving, overlap.result.bundle.previousCa!.cert)).rejects.toThrow(/certificate/);
  });
});
