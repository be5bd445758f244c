import type { Logger } from 'pino';
import type { ClusterApi } from './api.js';
import { Backoff, sleep, type BackoffOptions } from './backoff.js';

/** Settings of a WebhookCaBundleSync. */
export interface WebhookCaBundleSyncOptions {
  /** Name of the MutatingWebhookConfiguration whose webhooks get the bundle. */
  readonly webhookConfigName: string;
  readonly logger: Logger;
  /**
   * Time between checks once the bundle is in place, in milliseconds (default
   * 5 minutes). Each check is one GET, and a PATCH is sent only when something,
   * such as a reapplied manifest, reset the caBundle.
   */
  readonly resyncIntervalMs?: number;
  /** Delays between failed attempts (default 1 s doubling to 1 min, 20% jitter). */
  readonly backoff?: BackoffOptions;
}

/**
 * Keeps `caBundle` of every webhook of a MutatingWebhookConfiguration equal
 * to a PEM bundle, for self-managed TLS. set() stores the bundle and a
 * background loop writes it, retrying with exponential backoff while the API
 * server fails, then checks it again every resyncIntervalMs. A bundle passed
 * to set() during an attempt is written right after that attempt.
 */
export class WebhookCaBundleSync {
  private desired: string | undefined;
  private confirmed: string | undefined;
  private running: Promise<void> | undefined;
  private wake = new AbortController();
  private failures = 0;
  private waiters: ((synced: boolean) => void)[] = [];
  private readonly stopSignal = new AbortController();
  private readonly backoff: Backoff;
  private readonly resyncIntervalMs: number;

  constructor(
    private readonly api: Pick<ClusterApi, 'patchWebhookCaBundle'>,
    private readonly options: WebhookCaBundleSyncOptions,
  ) {
    this.resyncIntervalMs = options.resyncIntervalMs ?? 5 * 60_000;
    this.backoff = new Backoff(options.backoff ?? { initialDelayMs: 1000, maxDelayMs: 60_000, jitter: 0.2 });
  }

  /** Sets the PEM bundle to keep in place and starts the loop on the first call. */
  set(caBundlePem: string): void {
    if (this.stopSignal.signal.aborted) {
      throw new Error('WebhookCaBundleSync.set() was called after stop(); create a new WebhookCaBundleSync instead');
    }
    if (caBundlePem === this.desired) {
      return;
    }
    this.desired = caBundlePem;
    this.wake.abort();
    this.running ??= this.run();
  }

  /**
   * Resolves to true once the latest bundle passed to set() is in place, or
   * to false when there is none or stop() is called first.
   */
  whenSynced(): Promise<boolean> {
    if (this.desired === undefined || this.stopSignal.signal.aborted) {
      return Promise.resolve(false);
    }
    if (this.desired === this.confirmed) {
      return Promise.resolve(true);
    }
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Ends the loop after the attempt under way, if any. */
  async stop(): Promise<void> {
    this.stopSignal.abort();
    this.wake.abort();
    await this.running;
    this.resolveWaiters(false);
  }

  private async run(): Promise<void> {
    while (!this.stopSignal.signal.aborted) {
      this.wake = new AbortController();
      const pem = this.desired!;
      const delay = (await this.attempt(pem)) ? this.resyncIntervalMs : this.backoff.next();
      if (pem !== this.desired) {
        continue;
      }
      await sleep(delay, AbortSignal.any([this.stopSignal.signal, this.wake.signal]));
    }
  }

  /** Writes the bundle once and returns whether it is now in place. */
  private async attempt(pem: string): Promise<boolean> {
    const name = this.options.webhookConfigName;
    try {
      const outcome = await this.api.patchWebhookCaBundle(name, pem);
      if (outcome === 'patched') {
        this.options.logger.info({ webhookConfigName: name }, 'caBundle of the webhook configuration updated');
      } else {
        this.options.logger.debug({ webhookConfigName: name }, 'caBundle of the webhook configuration is up to date');
      }
    } catch (error) {
      this.failures += 1;
      this.options.logger.warn(
        { err: error, webhookConfigName: name, consecutiveFailures: this.failures },
        'updating caBundle of the webhook configuration failed; retrying with backoff',
      );
      return false;
    }
    this.failures = 0;
    this.backoff.reset();
    this.confirmed = pem;
    if (pem === this.desired) {
      this.resolveWaiters(true);
    }
    return true;
  }

  private resolveWaiters(synced: boolean): void {
    const waiters = this.waiters;
    this.waiters = [];
    waiters.forEach((resolve) => resolve(synced));
  }
}
