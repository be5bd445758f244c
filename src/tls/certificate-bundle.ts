import { X509Certificate } from 'node:crypto';
import type { KeyPair } from './self-signed.js';

/**
 * The self-managed CAs and serving certificate, as stored between runs. At
 * most three CAs are trusted at once: the signing CA, a next CA waiting to
 * sign, and a previous CA until the last certificate it signed has expired.
 */
export interface CertificateBundle {
  /** CA that signs the serving certificate. */
  readonly signingCa: KeyPair;
  /**
   * CA created ahead of a CA rotation. It is in the caBundle but signs nothing
   * yet. `trustedSince` is when it was first seen in the published caBundle,
   * and is unset until then.
   */
  readonly nextCa?: { readonly pair: KeyPair; readonly trustedSince?: Date };
  /** CA replaced by the last CA rotation: trusted until `trustedUntil`, when no certificate it signed is valid. */
  readonly previousCa?: { readonly cert: string; readonly trustedUntil: Date };
  /** Serving certificate and key, signed by `signingCa`. */
  readonly serving: KeyPair;
}

/**
 * Returns the PEM caBundle for the webhook configuration: the previous,
 * signing and next CA certificates that are present. The API server
 * accepts a serving certificate signed by any of them.
 */
export function caBundlePem(bundle: CertificateBundle): string {
  const certs = [bundle.previousCa?.cert, bundle.signingCa.cert, bundle.nextCa?.pair.cert];
  return certs.filter((cert): cert is string => cert !== undefined).join('');
}

/**
 * Keys of the bundle in a Secret's data. `tls.crt` and `tls.key` follow the
 * kubernetes.io/tls layout, and `ca.crt` carries the caBundle for readers that
 * only need trust.
 */
export const BundleKey = {
  CaBundle: 'ca.crt',
  SigningCaCert: 'signing-ca.crt',
  SigningCaKey: 'signing-ca.key',
  NextCaCert: 'next-ca.crt',
  NextCaKey: 'next-ca.key',
  NextCaTrustedSince: 'next-ca.trusted-since',
  PreviousCaCert: 'previous-ca.crt',
  PreviousCaTrustedUntil: 'previous-ca.trusted-until',
  ServingCert: 'tls.crt',
  ServingKey: 'tls.key',
} as const;
export type BundleKey = (typeof BundleKey)[keyof typeof BundleKey];

/** Raised when stored data is not a complete, readable bundle; the message names the key. */
export class CertificateBundleError extends Error {
  readonly code = 'InvalidCertificateBundle';
}

/** Encodes a bundle as text values for a Secret's data (the caller base64-encodes them if its API needs it). */
export function encodeBundle(bundle: CertificateBundle): Record<string, string> {
  const data: Record<string, string> = {
    [BundleKey.CaBundle]: caBundlePem(bundle),
    [BundleKey.SigningCaCert]: bundle.signingCa.cert,
    [BundleKey.SigningCaKey]: bundle.signingCa.key,
    [BundleKey.ServingCert]: bundle.serving.cert,
    [BundleKey.ServingKey]: bundle.serving.key,
  };
  if (bundle.nextCa) {
    data[BundleKey.NextCaCert] = bundle.nextCa.pair.cert;
    data[BundleKey.NextCaKey] = bundle.nextCa.pair.key;
    if (bundle.nextCa.trustedSince !== undefined) {
      data[BundleKey.NextCaTrustedSince] = bundle.nextCa.trustedSince.toISOString();
    }
  }
  if (bundle.previousCa) {
    data[BundleKey.PreviousCaCert] = bundle.previousCa.cert;
    data[BundleKey.PreviousCaTrustedUntil] = bundle.previousCa.trustedUntil.toISOString();
  }
  return data;
}

function required(data: Readonly<Record<string, string>>, key: BundleKey): string {
  const value = data[key];
  if (value === undefined || value === '') {
    throw new CertificateBundleError(`stored certificate bundle has no ${key}; delete the Secret to create a new CA`);
  }
  return value;
}

function certificate(data: Readonly<Record<string, string>>, key: BundleKey): string {
  const pem = required(data, key);
  try {
    new X509Certificate(pem);
  } catch (error) {
    throw new CertificateBundleError(`stored ${key} is not a PEM certificate: ${(error as Error).message}`, { cause: error });
  }
  return pem;
}

function date(data: Readonly<Record<string, string>>, key: BundleKey): Date {
  const text = required(data, key);
  const parsed = new Date(text);
  if (Number.isNaN(parsed.getTime())) {
    throw new CertificateBundleError(`stored ${key} is ${JSON.stringify(text)}; expected an ISO 8601 time`);
  }
  return parsed;
}

/**
 * Decodes a bundle from a Secret's data as written by encodeBundle. Throws
 * CertificateBundleError naming the first missing or unreadable key. `ca.crt`
 * is derived data and is not read.
 */
export function decodeBundle(data: Readonly<Record<string, string>>): CertificateBundle {
  const signingCa = { cert: certificate(data, BundleKey.SigningCaCert), key: required(data, BundleKey.SigningCaKey) };
  const serving = { cert: certificate(data, BundleKey.ServingCert), key: required(data, BundleKey.ServingKey) };
  const nextCa =
    data[BundleKey.NextCaCert] !== undefined
      ? {
          pair: { cert: certificate(data, BundleKey.NextCaCert), key: required(data, BundleKey.NextCaKey) },
          ...(data[BundleKey.NextCaTrustedSince] !== undefined ? { trustedSince: date(data, BundleKey.NextCaTrustedSince) } : {}),
        }
      : undefined;
  const previousCa =
    data[BundleKey.PreviousCaCert] !== undefined
      ? { cert: certificate(data, BundleKey.PreviousCaCert), trustedUntil: date(data, BundleKey.PreviousCaTrustedUntil) }
      : undefined;
  return { signingCa, serving, ...(nextCa ? { nextCa } : {}), ...(previousCa ? { previousCa } : {}) };
}
