import { X509Certificate } from 'node:crypto';
import type { CertificateBundle } from './certificate-bundle.js';
import { coversHosts, createCertificateAuthority, issueServingCertificate, isIssuedBy } from './certificate-authority.js';
import { isExpired, needsRenewal, type RotationPolicy } from './rotation-policy.js';

/** One change a rotation run made to the bundle. */
export const RotationStep = {
  /** No usable bundle existed: a new CA and serving certificate were created. */
  Created: 'created',
  /** The signing CA is due for renewal: a next CA was created and added to the caBundle. */
  NextCaAdded: 'next-ca-added',
  /** The next CA was seen in the published caBundle: its caPropagationMs wait starts. */
  NextCaPublished: 'next-ca-published',
  /** The next CA has been trusted long enough: it now signs, and the old CA became the previous CA. */
  CaPromoted: 'ca-promoted',
  /** Every certificate the previous CA signed has expired: it left the caBundle. */
  PreviousCaDropped: 'previous-ca-dropped',
  /** The serving certificate was due, signed by another CA, or missing a host: a new one was issued. */
  ServingRenewed: 'serving-renewed',
} as const;
export type RotationStep = (typeof RotationStep)[keyof typeof RotationStep];

/** Names the certificates are issued for, and the caBundle already published. */
export interface RotationTarget {
  /** DNS names the serving certificate must cover, such as serviceHostnames(). */
  readonly hosts: readonly string[];
  /** Common name of the CAs created. */
  readonly caName: string;
  /**
   * PEM caBundle last confirmed in the webhook configuration. When given, a
   * next CA starts its caPropagationMs wait only once it appears there. When
   * undefined, the wait starts when the next CA is created.
   */
  readonly publishedCaBundle?: string;
}

/** The bundle after one run, and what changed; no steps means it is unchanged. */
export interface NextBundle {
  readonly bundle: CertificateBundle;
  readonly steps: readonly RotationStep[];
}

function notAfter(cert: string): number {
  return new X509Certificate(cert).validToDate.getTime();
}

function servingIsCurrent(bundle: CertificateBundle, now: Date, target: RotationTarget, policy: RotationPolicy): boolean {
  return (
    !needsRenewal(bundle.serving.cert, now, policy.renewRemainingFraction) &&
    isIssuedBy(bundle.serving.cert, bundle.signingCa.cert) &&
    coversHosts(bundle.serving.cert, target.hosts)
  );
}

/**
 * Tells whether the next CA may start signing: once it has been trusted for
 * caPropagationMs and the previous CA is gone, or at once when the signing CA has expired.
 */
function mayPromote(bundle: CertificateBundle, now: Date, policy: RotationPolicy): boolean {
  if (bundle.nextCa === undefined) {
    return false;
  }
  if (isExpired(bundle.signingCa.cert, now)) {
    return true;
  }
  const trustedSince = bundle.nextCa.trustedSince;
  if (trustedSince === undefined || bundle.previousCa !== undefined) {
    return false;
  }
  return now.getTime() - trustedSince.getTime() >= policy.caPropagationMs;
}

/** Tells whether the next CA, not trusted yet, now appears in the published caBundle. */
function isNewlyPublished(bundle: CertificateBundle, target: RotationTarget): boolean {
  const nextCa = bundle.nextCa;
  return nextCa !== undefined && nextCa.trustedSince === undefined && target.publishedCaBundle?.includes(nextCa.pair.cert) === true;
}

async function create(now: Date, target: RotationTarget, policy: RotationPolicy): Promise<CertificateBundle> {
  const signingCa = await createCertificateAuthority(target.caName, { now, validityDays: policy.caValidityDays });
  const serving = await issueServingCertificate(signingCa, target.hosts, { now, validityDays: policy.servingValidityDays });
  return { signingCa, serving };
}

async function promote(bundle: CertificateBundle, now: Date, target: RotationTarget, policy: RotationPolicy): Promise<CertificateBundle> {
  const nextCa = bundle.nextCa!.pair;
  // The old CA stays trusted while the serving certificate it signed, which
  // replicas may still serve until they reload, is valid.
  const trustedUntil = new Date(Math.min(notAfter(bundle.serving.cert), notAfter(bundle.signingCa.cert)));
  const serving = await issueServingCertificate(nextCa, target.hosts, { now, validityDays: policy.servingValidityDays });
  return { signingCa: nextCa, previousCa: { cert: bundle.signingCa.cert, trustedUntil }, serving };
}

/**
 * Computes the bundle for time `now`, in these steps:
 * 1. drops the previous CA once nothing it signed is valid;
 * 2. marks the next CA trusted once it appears in the published caBundle;
 * 3. promotes a next CA that has been trusted for caPropagationMs, or else
 *    adds a next CA when the signing CA is due;
 * 4. replaces the serving certificate when it is due, signed by another CA,
 *    or missing a host.
 * Pure apart from key generation: the caller stores the result and
 * publishes its caBundle.
 */
export async function nextBundle(
  current: CertificateBundle | undefined,
  now: Date,
  target: RotationTarget,
  policy: RotationPolicy,
): Promise<NextBundle> {
  if (current === undefined || (isExpired(current.signingCa.cert, now) && current.nextCa === undefined)) {
    return { bundle: await create(now, target, policy), steps: [RotationStep.Created] };
  }
  let bundle = current;
  const steps: RotationStep[] = [];

  if (bundle.previousCa !== undefined && now.getTime() >= bundle.previousCa.trustedUntil.getTime()) {
    const { previousCa: _dropped, ...rest } = bundle;
    bundle = rest;
    steps.push(RotationStep.PreviousCaDropped);
  }

  if (isNewlyPublished(bundle, target)) {
    bundle = { ...bundle, nextCa: { pair: bundle.nextCa!.pair, trustedSince: now } };
    steps.push(RotationStep.NextCaPublished);
  }

  if (mayPromote(bundle, now, policy)) {
    bundle = await promote(bundle, now, target, policy);
    steps.push(RotationStep.CaPromoted);
  } else if (bundle.nextCa === undefined && needsRenewal(bundle.signingCa.cert, now, policy.renewRemainingFraction)) {
    const pair = await createCertificateAuthority(target.caName, { now, validityDays: policy.caValidityDays });
    const trustedSince = target.publishedCaBundle === undefined ? { trustedSince: now } : {};
    bundle = { ...bundle, nextCa: { pair, ...trustedSince } };
    steps.push(RotationStep.NextCaAdded);
  }

  if (!servingIsCurrent(bundle, now, target, policy)) {
    const serving = await issueServingCertificate(bundle.signingCa, target.hosts, { now, validityDays: policy.servingValidityDays });
    bundle = { ...bundle, serving };
    steps.push(RotationStep.ServingRenewed);
  }
  return { bundle, steps };
}
