import 'reflect-metadata';
import { randomBytes, webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';

/** Key algorithm of every key the injector generates: ECDSA on P-256 with SHA-256 signatures. */
export const ECDSA_P256 = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;

/**
 * How far notBefore is set in the past, so that a certificate issued now is
 * already valid on an API server whose clock is a few minutes behind.
 */
export const BACKDATE_MS = 5 * 60_000;

x509.cryptoProvider.set(webcrypto as never);

/** Generates an exportable ECDSA P-256 key pair. */
export async function generateKeys(): Promise<webcrypto.CryptoKeyPair> {
  return (await webcrypto.subtle.generateKey(ECDSA_P256, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
}

/** Encodes DER bytes as PEM with 64-character lines and a trailing newline. */
export function toPem(der: ArrayBuffer, label: string): string {
  const base64 = Buffer.from(der).toString('base64').replace(/(.{64})/g, '$1\n').replace(/\n$/, '');
  return `-----BEGIN ${label}-----\n${base64}\n-----END ${label}-----\n`;
}

/** Exports a private key as PKCS#8 PEM. */
export async function exportPrivateKeyPem(key: webcrypto.CryptoKey): Promise<string> {
  return toPem(await webcrypto.subtle.exportKey('pkcs8', key), 'PRIVATE KEY');
}

/** Imports a PKCS#8 PEM ECDSA P-256 private key for signing certificates. */
export async function importSigningKey(pem: string): Promise<webcrypto.CryptoKey> {
  const der = x509.PemConverter.decodeFirst(pem);
  return webcrypto.subtle.importKey('pkcs8', der, ECDSA_P256, false, ['sign']);
}

/** A random positive 128-bit serial number in hex, as RFC 5280 section 4.1.2.2 requires. */
export function randomSerialNumber(): string {
  return randomBytes(16).toString('hex').replace(/^[89a-f]/, '1');
}

/** Builds a subjectAltName extension; entries that look like IPv4 or IPv6 addresses become IP entries. */
export function subjectAltNames(hosts: readonly string[]): x509.SubjectAlternativeNameExtension {
  const isIp = (host: string) => /^[\d.]+$/.test(host) || host.includes(':');
  return new x509.SubjectAlternativeNameExtension(hosts.map((host) => ({ type: isIp(host) ? 'ip' : 'dns', value: host })));
}

/** Extensions of a leaf certificate for TLS servers. */
export function servingExtensions(hosts: readonly string[]): x509.Extension[] {
  return [
    new x509.BasicConstraintsExtension(false, undefined, true),
    new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
    new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
    subjectAltNames(hosts),
  ];
}

export { x509 };
