import type { Logger } from 'pino';
import type { ClusterApi, NamespaceWatchEvent } from './api.js';
import { Backoff, sleep, type BackoffOptions } from './backoff.js';
import { ClusterErrorCode, isClusterError } from './errors.js';

/** Namespace labels for the admission request path, read from memory. */
export interface NamespaceCache {
  /**
   * Labels of a Namespace, or undefined when it is not known: before the first
   * list, or when the Namespace was created after the last event received.
   */
  labels(name: string): Readonly<Record<string, string>> | undefined;
  /** Whether the first list has completed. */
  hasSynced(): boolean;
}

/** Settings of a NamespaceInformer. */
export interface NamespaceInformerOptions {
  readonly logger: Logger;
  /** Delays between reconnects (default 1 s doubling to 30 s, 20% jitter). */
  readonly backoff?: BackoffOptions;
}

/**
 * Keeps the labels of every Namespace in memory with list + watch. It lists
 * once, watches from the list's resourceVersion with bookmarks, and on each
 * event moves that resourceVersion forward. When the watch ends it reconnects
 * from the last resourceVersion. When the API server returns 410 Gone (HTTP
 * status or ERROR event) it lists again. While disconnected it keeps serving
 * the last state, which can then be stale. Reconnects wait with exponential
 * backoff, reset whenever a watch is accepted.
 */
export class NamespaceInformer implements NamespaceCache {
  private namespaces = new Map<string, Readonly<Record<string, string>>>();
  private resourceVersion: string | undefined;
  private synced = false;
  private running: Promise<void> | undefined;
  private activeWatch: { stop(): void } | undefined;
  private failures = 0;
  private readonly abort = new AbortController();
  private readonly backoff: Backoff;
  private readonly logger: Logger;

  constructor(
    private readonly api: Pick<ClusterApi, 'listNamespaces' | 'watchNamespaces'>,
    options: NamespaceInformerOptions,
  ) {
    this.logger = options.logger;
    this.backoff = new Backoff(options.backoff ?? { initialDelayMs: 1000, maxDelayMs: 30_000, jitter: 0.2 });
  }

  labels(name: string): Readonly<Record<string, string>> | undefined {
    return this.namespaces.get(name);
  }

  hasSynced(): boolean {
    return this.synced;
  }

  /** resourceVersion the next watch starts from, or undefined before a list and after 410 Gone. */
  lastSyncResourceVersion(): string | undefined {
    return this.resourceVersion;
  }

  /** Starts listing and watching in the background, and returns at once. */
  start(): void {
    this.running ??= this.run();
  }

  /** Closes the watch and ends the background loop. */
  async stop(): Promise<void> {
    this.abort.abort();
    this.activeWatch?.stop();
    await this.running;
  }

  private async run(): Promise<void> {
    while (!this.abort.signal.aborted) {
      try {
        if (this.resourceVersion === undefined) {
          await this.relist();
        }
        await this.watchOnce(this.resourceVersion!);
      } catch (error) {
        this.recordFailure(error);
      }
      if (!this.abort.signal.aborted) {
        await sleep(this.backoff.next(), this.abort.signal);
      }
    }
  }

  private async relist(): Promise<void> {
    const list = await this.api.listNamespaces();
    const namespaces = new Map<string, Readonly<Record<string, string>>>();
    for (const namespace of list.items) {
      namespaces.set(namespace.name, namespace.labels);
    }
    this.namespaces = namespaces;
    this.resourceVersion = list.resourceVersion;
    const record = { namespaces: namespaces.size, resourceVersion: list.resourceVersion };
    if (this.synced) {
      this.logger.info(record, 'namespaces listed again');
    } else {
      this.logger.info(record, 'namespace cache synced');
    }
    this.synced = true;
  }

  /** Watches until the stream ends, and rejects with the ClusterApiError that ended it. */
  private async watchOnce(resourceVersion: string): Promise<void> {
    const handle = await this.api.watchNamespaces({
      resourceVersion,
      onEvent: (event) => this.apply(event),
      onConnected: () => {
        this.backoff.reset();
        this.failures = 0;
        this.logger.debug({ resourceVersion }, 'watching namespaces');
      },
    });
    this.activeWatch = handle;
    if (this.abort.signal.aborted) {
      handle.stop();
    }
    try {
      await handle.ended;
      this.logger.debug({ resourceVersion: this.resourceVersion }, 'namespace watch closed by the API server; reconnecting');
    } finally {
      this.activeWatch = undefined;
    }
  }

  private apply(event: NamespaceWatchEvent): void {
    if (event.type === 'BOOKMARK') {
      this.resourceVersion = event.resourceVersion || this.resourceVersion;
      return;
    }
    const { name, labels, resourceVersion } = event.namespace;
    if (event.type === 'DELETED') {
      this.namespaces.delete(name);
    } else {
      this.namespaces.set(name, labels);
    }
    this.resourceVersion = resourceVersion || this.resourceVersion;
  }

  private recordFailure(error: unknown): void {
    if (this.abort.signal.aborted) {
      return;
    }
    if (isClusterError(error, ClusterErrorCode.Gone)) {
      this.resourceVersion = undefined;
      this.logger.info({ err: error }, 'namespace watch expired (410 Gone); listing again');
      return;
    }
    if (isClusterError(error, ClusterErrorCode.Timeout)) {
      this.logger.debug({ resourceVersion: this.resourceVersion }, 'no namespace watch data within the client timeout; reconnecting');
      return;
    }
    this.failures += 1;
    this.logger.warn(
      { err: error, consecutiveFailures: this.failures, cachedNamespaces: this.namespaces.size, synced: this.synced },
      'namespace list or watch failed; serving the last known labels and retrying',
    );
  }
}
