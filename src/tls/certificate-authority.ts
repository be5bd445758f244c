import { X509Certificate } from 'node:crypto';
import type { KeyPair } from './self-signed.js';
import {
  BACKDATE_MS,
  ECDSA_P256,
  exportPrivateKeyPem,
  generateKeys,
  importSigningKey,
  randomSerialNumber,
  servingExtensions,
  x509,
} from './x509-keys.js';

const DAY_MS = 86_400_000;

/** Validity and clock of a certificate to create. */
export interface IssueOptions {
  /** Issue time; notBefore is set a few minutes earlier to absorb clock skew. */
  readonly now: Date;
  readonly validityDays: number;
}

/**
 * DNS names a Service is reached by from inside the cluster: `NAME`,
 * `NAME.NAMESPACE`, `NAME.NAMESPACE.svc` (the name the API server uses to call
 * a webhook through `clientConfig.service`) and `NAME.NAMESPACE.svc.cluster.local`.
 */
export function serviceHostnames(service: string, namespace: string): string[] {
  return [service, `${service}.${namespace}`, `${service}.${namespace}.svc`, `${service}.${namespace}.svc.cluster.local`];
}

/**
 * Creates a self-signed certificate authority with an ECDSA P-256 key. It may
 * sign end-entity certificates only (path length 0).
 */
export async function createCertificateAuthority(commonName: string, options: IssueOptions): Promise<KeyPair> {
  const keys = await generateKeys();
  const notBefore = new Date(options.now.getTime() - BACKDATE_MS);
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: randomSerialNumber(),
    name: `CN=${commonName}`,
    notBefore,
    notAfter: new Date(options.now.getTime() + options.validityDays * DAY_MS),
    keys,
    signingAlgorithm: ECDSA_P256,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  return { cert: cert.toString('pem') + '\n', key: await exportPrivateKeyPem(keys.privateKey) };
}

/**
 * Issues a serving certificate for `hosts` signed by `ca`. Its notAfter is
 * capped at the CA's, because a chain is invalid once its CA has expired.
 */
export async function issueServingCertificate(ca: KeyPair, hosts: readonly string[], options: IssueOptions): Promise<KeyPair> {
  const caCert = new x509.X509Certificate(ca.cert);
  const signingKey = await importSigningKey(ca.key);
  const keys = await generateKeys();
  const requestedNotAfter = options.now.getTime() + options.validityDays * DAY_MS;
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: randomSerialNumber(),
    subject: `CN=${hosts[0] ?? 'localhost'}`,
    issuer: caCert.subject,
    notBefore: new Date(options.now.getTime() - BACKDATE_MS),
    notAfter: new Date(Math.min(requestedNotAfter, caCert.notAfter.getTime())),
    publicKey: keys.publicKey,
    signingKey,
    signingAlgorithm: ECDSA_P256,
    extensions: [...servingExtensions(hosts), await x509.AuthorityKeyIdentifierExtension.create(caCert.publicKey)],
  });
  return { cert: cert.toString('pem') + '\n', key: await exportPrivateKeyPem(keys.privateKey) };
}

/** Tells whether `cert` carries a valid signature by the CA certificate `caCert` (both PEM). */
export function isIssuedBy(cert: string, caCert: string): boolean {
  const leaf = new X509Certificate(cert);
  const issuer = new X509Certificate(caCert);
  return leaf.checkIssued(issuer) && leaf.verify(issuer.publicKey);
}

/** Tells whether `cert` (PEM) names every host in its subjectAltName. */
export function coversHosts(cert: string, hosts: readonly string[]): boolean {
  const leaf = new X509Certificate(cert);
  return hosts.every((host) => leaf.checkHost(host, { subject: 'never' }) === host);
}
