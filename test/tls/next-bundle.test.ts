import { caBundlePem, type CertificateBundle } from '../../src/tls/certificate-bundle.js';
import { createCertificateAuthority, isIssuedBy, issueServingCertificate, serviceHostnames } from '../../src/tls/certificate-authority.js';
import { nextBundle, RotationStep, type RotationTarget } from '../../src/tls/next-bundle.js';
import { DEFAULT_ROTATION_POLICY, renewalTime } from '../../src/tls/rotation-policy.js';

const HOUR_MS = 60 * 60_000;
const DAY_MS = 24 * HOUR_MS;
const policy = DEFAULT_ROTATION_POLICY;
const hosts = serviceHostnames('sidecar-injector', 'injection');
const t0 = new Date('2030-01-01T00:00:00Z');

function target(publishedCaBundle?: string): RotationTarget {
  return { hosts, caName: 'test webhook CA', ...(publishedCaBundle !== undefined ? { publishedCaBundle } : {}) };
}

function at(base: Date, ms: number): Date {
  return new Date(base.getTime() + ms);
}

describe('nextBundle publication gate', () => {
  let created: CertificateBundle;
  let due: Date;

  beforeAll(async () => {
    const first = (await nextBundle(undefined, t0, target(''), policy)).bundle;
    due = renewalTime(first.signingCa.cert, policy.renewRemainingFraction);
    // A serving certificate renewed the day before, so that only CA steps happen from `due` on.
    created = (await nextBundle(first, at(due, -DAY_MS), target(''), policy)).bundle;
  });

  test('next CA waits for publication', async () => {
    const added = await nextBundle(created, due, target(caBundlePem(created)), policy);
    expect(added.steps).toEqual([RotationStep.NextCaAdded]);
    expect(added.bundle.nextCa?.trustedSince).toBeUndefined();

    const unpublished = await nextBundle(added.bundle, at(due, 30 * DAY_MS), target(caBundlePem(created)), policy);
    expect(unpublished.steps).toEqual([]);
    expect(unpublished.bundle.signingCa).toEqual(created.signingCa);
  });

  test('promotion after publication and propagation', async () => {
    const added = (await nextBundle(created, due, target(''), policy)).bundle;
    const publishedAt = at(due, 2 * HOUR_MS);
    const published = await nextBundle(added, publishedAt, target(caBundlePem(added)), policy);
    expect(published.steps).toEqual([RotationStep.NextCaPublished]);
    expect(published.bundle.nextCa?.trustedSince).toEqual(publishedAt);

    const early = await nextBundle(published.bundle, at(publishedAt, policy.caPropagationMs - 1), target(caBundlePem(added)), policy);
    expect(early.steps).toEqual([]);

    const promoted = await nextBundle(published.bundle, at(publishedAt, policy.caPropagationMs), target(caBundlePem(added)), policy);
    expect(promoted.steps).toEqual([RotationStep.CaPromoted]);
    expect(promoted.bundle.signingCa).toEqual(added.nextCa!.pair);
    expect(promoted.bundle.previousCa?.cert).toBe(created.signingCa.cert);
    expect(isIssuedBy(promoted.bundle.serving.cert, added.nextCa!.pair.cert)).toBe(true);
  });

  test('without a published bundle the wait starts at creation', async () => {
    const added = await nextBundle(created, due, target(), policy);
    expect(added.bundle.nextCa?.trustedSince).toEqual(due);
    const promoted = await nextBundle(added.bundle, at(due, policy.caPropagationMs), target(), policy);
    expect(promoted.steps).toEqual([RotationStep.CaPromoted]);
  });
});

describe('nextBundle serving certificate', () => {
  test('new host renews it', async () => {
    const created = (await nextBundle(undefined, t0, target(), policy)).bundle;
    const moved = await nextBundle(created, at(t0, DAY_MS), { ...target(), hosts: serviceHostnames('injector', 'platform') }, policy);
    expect(moved.steps).toEqual([RotationStep.ServingRenewed]);
    expect(moved.bundle.signingCa).toEqual(created.signingCa);
  });

  test('foreign signature renews it', async () => {
    const created = (await nextBundle(undefined, t0, target(), policy)).bundle;
    const otherCa = await createCertificateAuthority('other CA', { now: t0, validityDays: 365 });
    const foreign = await issueServingCertificate(otherCa, hosts, { now: t0, validityDays: 90 });
    const repaired = await nextBundle({ ...created, serving: foreign }, at(t0, DAY_MS), target(), policy);
    expect(repaired.steps).toEqual([RotationStep.ServingRenewed]);
    expect(isIssuedBy(repaired.bundle.serving.cert, created.signingCa.cert)).toBe(true);
  });

  test('expired CA starts over', async () => {
    const created = (await nextBundle(undefined, t0, target(), policy)).bundle;
    const later = await nextBundle(created, at(t0, (policy.caValidityDays + 1) * DAY_MS), target(), policy);
    expect(later.steps).toEqual([RotationStep.Created]);
    expect(later.bundle.signingCa.cert).not.toBe(created.signingCa.cert);
  });
});
