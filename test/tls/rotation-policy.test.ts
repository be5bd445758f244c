import { X509Certificate } from 'node:crypto';
import { createCertificateAuthority } from '../../src/tls/certificate-authority.js';
import {
  checkRotationPolicy,
  DEFAULT_ROTATION_POLICY,
  isExpired,
  needsRenewal,
  renewalTime,
} from '../../src/tls/rotation-policy.js';

const DAY_MS = 86_400_000;

describe('renewalTime', () => {
  test('two thirds into the validity', async () => {
    const now = new Date('2030-01-01T00:00:00Z');
    const { cert } = await createCertificateAuthority('policy CA', { now, validityDays: 90 });
    const parsed = new X509Certificate(cert);
    const from = parsed.validFromDate.getTime();
    const to = parsed.validToDate.getTime();
    const due = renewalTime(cert, 1 / 3);

    expect(due.getTime()).toBeCloseTo(to - (to - from) / 3, -1);
    expect(needsRenewal(cert, new Date(due.getTime() - 1000), 1 / 3)).toBe(false);
    expect(needsRenewal(cert, due, 1 / 3)).toBe(true);
    expect(needsRenewal(cert, new Date(now.getTime() + 61 * DAY_MS), 1 / 3)).toBe(true);
    expect(needsRenewal(cert, new Date(now.getTime() + 59 * DAY_MS), 1 / 3)).toBe(false);
  });

  test('expiry', async () => {
    const now = new Date('2030-01-01T00:00:00Z');
    const { cert } = await createCertificateAuthority('policy CA', { now, validityDays: 1 });
    expect(isExpired(cert, new Date(now.getTime() + DAY_MS - 1000))).toBe(false);
    expect(isExpired(cert, new Date(now.getTime() + DAY_MS))).toBe(true);
  });
});

describe('checkRotationPolicy', () => {
  test('default policy is valid', () => {
    expect(() => checkRotationPolicy(DEFAULT_ROTATION_POLICY)).not.toThrow();
  });

  test.each([
    ['fraction of 0', { renewRemainingFraction: 0 }, /renewRemainingFraction is 0/],
    ['fraction of 1', { renewRemainingFraction: 1 }, /renewRemainingFraction is 1/],
    ['negative propagation', { caPropagationMs: -1 }, /caPropagationMs/],
    ['zero serving validity', { servingValidityDays: 0 }, /servingValidityDays/],
    ['serving outlives CA overlap', { servingValidityDays: 250 }, /servingValidityDays is 250; expected at most 243.3/],
  ])('%s', (_name, change, message) => {
    const policy = { ...DEFAULT_ROTATION_POLICY, ...change };
    expect(() => checkRotationPolicy(policy)).toThrow(message);
    expect(() => checkRotationPolicy(policy)).toThrow(expect.objectContaining({ code: 'InvalidRotationPolicy' }));
  });
});
