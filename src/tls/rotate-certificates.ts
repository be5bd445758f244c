import { randomBytes } from 'node:crypto';
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import type { Logger } from 'pino';
import { caBundlePem, type CertificateBundle } from './certificate-bundle.js';
import { serviceHostnames } from './certificate-authority.js';
import { StoreConflictError, type CertificateStore } from './certificate-store.js';
import { nextBundle, type RotationStep } from './next-bundle.js';
import { checkRotationPolicy, DEFAULT_ROTATION_POLICY, type RotationPolicy } from './rotation-policy.js';

/** Saves retried after a StoreConflictError before a run gives up. */
export const MAX_STORE_ATTEMPTS = 3;

/** Inputs of one rotation run. */
export interface RotationOptions {
  readonly store: CertificateStore;
  /** Service and namespace the API server calls the webhook through; they give the serving certificate's DNS names. */
  readonly service: string;
  readonly namespace: string;
  /** Files the serving certificate and key are written to, for a file TLS source to reload. */
  readonly certFile: string;
  readonly keyFile: string;
  readonly policy?: RotationPolicy;
  /**
   * PEM caBundle last confirmed in the webhook configuration, such as the
   * bundle a WebhookCaBundleSync reported in place; '' when none is confirmed
   * yet. When given, a next CA signs only caPropagationMs after it was seen
   * there, so a caBundle that cannot be published never leads to a serving
   * certificate the API server does not trust.
   */
  readonly publishedCaBundle?: string;
  /** Clock of the run; the current time when not given. */
  readonly now?: Date;
  readonly logger?: Logger;
}

/** Result of a rotation run. */
export interface RotationResult {
  /** PEM caBundle to set on the webhook configuration. */
  readonly caBundle: string;
  readonly bundle: CertificateBundle;
  /** Changes made in this run; empty when the stored bundle was current. */
  readonly steps: readonly RotationStep[];
}

/** Writes a file through a temporary file and a rename, so a reader never sees it half-written. */
async function writeFileAtomically(file: string, content: string, mode: number): Promise<void> {
  const temporary = `${file}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    await writeFile(temporary, content, { mode });
    await rename(temporary, file);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}

async function writeIfChanged(file: string, content: string, mode: number): Promise<boolean> {
  const existing = await readFile(file, 'utf8').catch(() => undefined);
  if (existing === content) {
    return false;
  }
  await writeFileAtomically(file, content, mode);
  return true;
}

async function advanceStoredBundle(options: RotationOptions, policy: RotationPolicy, now: Date) {
  const target = {
    hosts: serviceHostnames(options.service, options.namespace),
    caName: `${options.service}.${options.namespace} webhook CA`,
    ...(options.publishedCaBundle !== undefined ? { publishedCaBundle: options.publishedCaBundle } : {}),
  };
  for (let attempt = 1; ; attempt++) {
    const stored = await options.store.load();
    const next = await nextBundle(stored?.bundle, now, target, policy);
    if (next.steps.length === 0) {
      return next;
    }
    try {
      await options.store.save(next.bundle, stored?.version);
      return next;
    } catch (error) {
      // Another replica saved first: start again from what it stored.
      if (!(error instanceof StoreConflictError) || attempt >= MAX_STORE_ATTEMPTS) {
        throw error;
      }
      options.logger?.info({ attempt, err: error }, 'certificate bundle changed while rotating; loading it again');
    }
  }
}

/**
 * Runs one rotation: loads the bundle from the store, advances it with
 * nextBundle, saves it when it changed, and writes the serving certificate
 * and key to their files when they differ (the key with mode 0600). Run it at
 * start and then periodically, and set the returned caBundle on the webhook
 * configuration after every run. Without publishedCaBundle, a next CA starts
 * signing caPropagationMs after the run that first returned it, published or not.
 * Rejects with StoreConflictError after MAX_STORE_ATTEMPTS lost races,
 * RotationPolicyError for an invalid policy, and CertificateBundleError when
 * the stored data is unreadable.
 */
export async function rotateCertificates(options: RotationOptions): Promise<RotationResult> {
  const policy = options.policy ?? DEFAULT_ROTATION_POLICY;
  checkRotationPolicy(policy);
  const now = options.now ?? new Date();

  const { bundle, steps } = await advanceStoredBundle(options, policy, now);
  // The key is written first; a file TLS source that reads between the two
  // writes sees a mismatched pair, rejects it and picks up both on its next read.
  const keyWritten = await writeIfChanged(options.keyFile, bundle.serving.key, 0o600);
  const certWritten = await writeIfChanged(options.certFile, bundle.serving.cert, 0o644);

  if (steps.length > 0 || keyWritten || certWritten) {
    options.logger?.info({ steps, certFile: options.certFile, filesWritten: keyWritten || certWritten }, 'self-managed certificates rotated');
  }
  return { caBundle: caBundlePem(bundle), bundle, steps };
}
