import { X509Certificate } from 'node:crypto';

/** Lifetimes and thresholds of the self-managed CA and serving certificate. */
export interface RotationPolicy {
  readonly caValidityDays: number;
  readonly servingValidityDays: number;
  /** A certificate is replaced once less than this fraction of its validity remains. */
  readonly renewRemainingFraction: number;
  /**
   * Time a new CA is trusted in the caBundle before it signs the serving
   * certificate, so that every API server has the new caBundle before any
   * replica serves a certificate only the new CA verifies.
   */
  readonly caPropagationMs: number;
}

/**
 * Default policy: a one-year CA and a 90-day serving certificate, each
 * replaced with a third of its validity left, and a new CA trusted for one
 * hour before it signs.
 */
export const DEFAULT_ROTATION_POLICY: RotationPolicy = {
  caValidityDays: 365,
  servingValidityDays: 90,
  renewRemainingFraction: 1 / 3,
  caPropagationMs: 60 * 60_000,
} as const;

/** Raised for a rotation policy whose numbers cannot work together. */
export class RotationPolicyError extends Error {
  readonly code = 'InvalidRotationPolicy';
}

/**
 * Checks a policy. The serving certificate must not outlive the time between
 * a CA's promotion and its own renewal: the CA it replaces stays trusted until
 * the last certificate it signed expires, and must be gone before the next CA
 * takes its place.
 */
export function checkRotationPolicy(policy: RotationPolicy): void {
  const fraction = policy.renewRemainingFraction;
  if (!(fraction > 0 && fraction < 1)) {
    throw new RotationPolicyError(`renewRemainingFraction is ${fraction}; expected a number between 0 and 1`);
  }
  if (!(policy.servingValidityDays > 0) || !(policy.caValidityDays > 0) || !(policy.caPropagationMs >= 0)) {
    throw new RotationPolicyError('caValidityDays and servingValidityDays must be positive and caPropagationMs not negative');
  }
  const caLifeBeforeRenewal = policy.caValidityDays * (1 - fraction);
  if (policy.servingValidityDays > caLifeBeforeRenewal) {
    throw new RotationPolicyError(
      `servingValidityDays is ${policy.servingValidityDays}; expected at most ${caLifeBeforeRenewal.toFixed(1)} ` +
        `(caValidityDays × (1 − renewRemainingFraction)), or raise caValidityDays`,
    );
  }
}

/** Returns the time after which a PEM certificate is due for replacement under the policy. */
export function renewalTime(cert: string, renewRemainingFraction: number): Date {
  const parsed = new X509Certificate(cert);
  const notBefore = parsed.validFromDate.getTime();
  const notAfter = parsed.validToDate.getTime();
  return new Date(notAfter - (notAfter - notBefore) * renewRemainingFraction);
}

/** Tells whether less than `renewRemainingFraction` of a PEM certificate's validity remains at `now`. */
export function needsRenewal(cert: string, now: Date, renewRemainingFraction: number): boolean {
  return now.getTime() >= renewalTime(cert, renewRemainingFraction).getTime();
}

/** Tells whether a PEM certificate has expired at `now`. */
export function isExpired(cert: string, now: Date): boolean {
  return now.getTime() >= new X509Certificate(cert).validToDate.getTime();
}
