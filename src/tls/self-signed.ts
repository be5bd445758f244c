import 'reflect-metadata';
import { randomBytes, webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';

/** A PEM certificate and its PKCS#8 PEM private key. */
export interface KeyPair {
  readonly cert: string;
  readonly key: string;
}

const ECDSA_P256 = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;

x509.cryptoProvider.set(webcrypto as never);

function toPem(der: ArrayBuffer, label: string): string {
  const base64 = Buffer.from(der).toString('base64').replace(/(.{64})/g, '$1\n').replace(/\n$/, '');
  return `-----BEGIN ${label}-----\n${base64}\n-----END ${label}-----\n`;
}

function subjectAltNames(hosts: readonly string[]): x509.SubjectAlternativeNameExtension {
  const isIp = (host: string) => /^[\d.]+$/.test(host) || host.includes(':');
  return new x509.SubjectAlternativeNameExtension(
    hosts.map((host) => ({ type: isIp(host) ? 'ip' : 'dns', value: host })),
  );
}

/**
 * Generates a self-signed ECDSA P-256 serving certificate for the given DNS
 * names and IP addresses, valid from one minute ago for `days` days.
 */
export async function generateSelfSigned(hosts: readonly string[], days = 365): Promise<KeyPair> {
  const keys = (await webcrypto.subtle.generateKey(ECDSA_P256, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
  const notBefore = new Date(Date.now() - 60_000);
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: randomBytes(16).toString('hex').replace(/^[89a-f]/, '1'),
    name: `CN=${hosts[0] ?? 'localhost'}`,
    notBefore,
    notAfter: new Date(notBefore.getTime() + days * 86_400_000),
    keys,
    signingAlgorithm: ECDSA_P256,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      subjectAltNames(hosts),
    ],
  });
  const key = await webcrypto.subtle.exportKey('pkcs8', keys.privateKey);
  return { cert: cert.toString('pem') + '\n', key: toPem(key, 'PRIVATE KEY') };
}
