import { decodeBundle, encodeBundle, type CertificateBundle } from './certificate-bundle.js';

/** A stored bundle with the version to pass back to save(). */
export interface StoredBundle {
  readonly bundle: CertificateBundle;
  /** Opaque version of the stored data, such as a Secret's resourceVersion. */
  readonly version: string;
}

/**
 * Storage of the self-managed CA and serving certificate, shared by all
 * replicas: a Secret in a cluster, memory in tests. Writes use optimistic
 * concurrency so two replicas that rotate at once cannot both win.
 */
export interface CertificateStore {
  /** Reads the bundle; resolves to undefined when none is stored yet. */
  load(): Promise<StoredBundle | undefined>;
  /**
   * Stores the bundle if the stored version is still `expectedVersion`
   * (undefined: nothing is stored yet) and resolves to the new version.
   * Rejects with StoreConflictError when another writer got there first.
   */
  save(bundle: CertificateBundle, expectedVersion: string | undefined): Promise<string>;
}

/** Raised by CertificateStore.save when the stored version is not the expected one. */
export class StoreConflictError extends Error {
  readonly code = 'StoreConflict';
}

/**
 * CertificateStore in memory. It keeps the bundle encoded as Secret data, so
 * each save and load goes through encodeBundle and decodeBundle like a Secret would.
 */
export class InMemoryCertificateStore implements CertificateStore {
  private data: Record<string, string> | undefined;
  private version = 0;
  /** Number of successful saves. */
  saves = 0;

  async load(): Promise<StoredBundle | undefined> {
    if (this.data === undefined) {
      return undefined;
    }
    return { bundle: decodeBundle(this.data), version: String(this.version) };
  }

  async save(bundle: CertificateBundle, expectedVersion: string | undefined): Promise<string> {
    const current = this.data === undefined ? undefined : String(this.version);
    if (current !== expectedVersion) {
      throw new StoreConflictError(`stored certificate bundle is at version ${current ?? 'none'}, not ${expectedVersion ?? 'none'}; load it again`);
    }
    this.data = encodeBundle(bundle);
    this.version += 1;
    this.saves += 1;
    return String(this.version);
  }

  /** The stored Secret data, as a Kubernetes-backed store would write it. */
  storedData(): Readonly<Record<string, string>> | undefined {
    return this.data;
  }
}
