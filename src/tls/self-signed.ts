import { BACKDATE_MS, ECDSA_P256, exportPrivateKeyPem, generateKeys, randomSerialNumber, servingExtensions, x509 } from './x509-keys.js';

/** A PEM certificate and its PKCS#8 PEM private key. */
export interface KeyPair {
  readonly cert: string;
  readonly key: string;
}

/**
 * Generates a self-signed ECDSA P-256 serving certificate for the given DNS
 * names and IP addresses, valid from a few minutes ago for `days` days.
 */
export async function generateSelfSigned(hosts: readonly string[], days = 365): Promise<KeyPair> {
  const keys = await generateKeys();
  const notBefore = new Date(Date.now() - BACKDATE_MS);
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: randomSerialNumber(),
    name: `CN=${hosts[0] ?? 'localhost'}`,
    notBefore,
    notAfter: new Date(notBefore.getTime() + days * 86_400_000),
    keys,
    signingAlgorithm: ECDSA_P256,
    // The key identifiers let a client that trusts several self-signed certificates with the same subject pick the right one.
    extensions: [
      ...servingExtensions(hosts),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
      await x509.AuthorityKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  return { cert: cert.toString('pem') + '\n', key: await exportPrivateKeyPem(keys.privateKey) };
}
