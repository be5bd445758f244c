import { decodeBundle, encodeBundle, type CertificateBundle } from '../tls/certificate-bundle.js';
import { StoreConflictError, type CertificateStore, type StoredBundle } from '../tls/certificate-store.js';
import type { ClusterApi } from './api.js';
import { isClusterError } from './errors.js';

/**
 * Keeps the self-managed CA and serving certificate in one Secret, so every
 * replica serves the same certificate. The Secret's resourceVersion gives
 * optimistic concurrency: of two replicas rotating at once, one wins and the
 * other gets a StoreConflictError and reads again.
 */
export class SecretCertificateStore implements CertificateStore {
  constructor(
    private readonly api: Pick<ClusterApi, 'readSecret' | 'createSecret' | 'replaceSecret'>,
    private readonly namespace: string,
    private readonly name: string,
  ) {}

  async load(): Promise<StoredBundle | undefined> {
    const secret = await this.api.readSecret(this.namespace, this.name);
    return secret ? { bundle: decodeBundle(secret.data), version: secret.resourceVersion ?? '' } : undefined;
  }

  async save(bundle: CertificateBundle, expectedVersion: string | undefined): Promise<string> {
    const secret = { namespace: this.namespace, name: this.name, type: 'Opaque', data: encodeBundle(bundle) };
    try {
      const saved =
        expectedVersion === undefined
          ? await this.api.createSecret(secret)
          : await this.api.replaceSecret({ ...secret, resourceVersion: expectedVersion });
      return saved.resourceVersion ?? '';
    } catch (error) {
      if (isClusterError(error, 'Conflict') || isClusterError(error, 'AlreadyExists')) {
        throw new StoreConflictError(`Secret ${this.namespace}/${this.name} changed while rotating; read it again`, { cause: error });
      }
      throw error;
    }
  }
}
