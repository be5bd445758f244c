import { X509Certificate, createPrivateKey } from 'node:crypto';
import { createSecureContext } from 'node:tls';
import type { KeyPair } from './self-signed.js';

/** Raised when a certificate and key cannot serve TLS together. */
export class KeyPairError extends Error {
  readonly code = 'InvalidKeyPair';

  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'KeyPairError';
  }
}

/** Reads the expiry of a PEM certificate chain's first certificate. */
export function certificateNotAfter(pem: string): Date {
  return new X509Certificate(pem).validToDate;
}

/** Returns the SHA-256 fingerprint of a PEM certificate chain's first certificate, as colon-separated hex. */
export function certificateFingerprint(pem: string): string {
  return new X509Certificate(pem).fingerprint256;
}

/**
 * Checks that a certificate and key load into a TLS context and belong
 * together. Throws KeyPairError otherwise, for instance for a file that is
 * still being written or a key from another certificate.
 */
export function checkKeyPair(pair: KeyPair): void {
  let certificate: X509Certificate;
  try {
    createSecureContext({ cert: pair.cert, key: pair.key });
    certificate = new X509Certificate(pair.cert);
  } catch (error) {
    throw new KeyPairError(`certificate or key is not valid PEM: ${(error as Error).message}`, { cause: error });
  }
  if (!certificate.checkPrivateKey(createPrivateKey(pair.key))) {
    throw new KeyPairError(`private key does not match the certificate for ${certificate.subject.replaceAll('\n', ', ')}`);
  }
}
