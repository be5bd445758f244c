import type { Logger } from 'pino';
import type { ClusterApi, VersionInfo } from './api.js';
import { Backoff, type BackoffOptions } from './backoff.js';
import { ClusterApiError, ClusterErrorCode } from './errors.js';

/** A Kubernetes API server version as numbers, with the raw gitVersion. */
export interface ServerVersion {
  readonly major: number;
  readonly minor: number;
  readonly gitVersion: string;
}

/**
 * First minor version of Kubernetes 1.x where native sidecars (init containers
 * with `restartPolicy: Always`) work without setting a feature gate: the
 * SidecarContainers gate is beta and on by default from 1.29, and GA in 1.33.
 */
export const NATIVE_SIDECARS_MIN_MINOR = 29;

const LEADING_NUMBER = /^(\d+)/;
const GIT_VERSION = /^v?(\d+)\.(\d+)/;

/**
 * Parses the reply of GET /version. `major` and `minor` may carry a suffix
 * (`"29+"` on GKE and EKS). When either has no leading number, the version is
 * read from `gitVersion` (`v1.33.2-gke.1`). Throws ClusterApiError
 * InvalidResponse when neither gives numbers.
 */
export function parseServerVersion(info: VersionInfo): ServerVersion {
  const major = LEADING_NUMBER.exec(info.major)?.[1];
  const minor = LEADING_NUMBER.exec(info.minor)?.[1];
  if (major !== undefined && minor !== undefined) {
    return { major: Number(major), minor: Number(minor), gitVersion: info.gitVersion };
  }
  const fromGit = GIT_VERSION.exec(info.gitVersion);
  if (fromGit !== null) {
    return { major: Number(fromGit[1]), minor: Number(fromGit[2]), gitVersion: info.gitVersion };
  }
  throw new ClusterApiError(
    ClusterErrorCode.InvalidResponse,
    `GET /version returned major "${info.major}", minor "${info.minor}", gitVersion "${info.gitVersion}"; expected numbers such as "1", "29+" or "v1.29.3"`,
  );
}

/** Whether a Kubernetes version runs native sidecars with default feature gates. */
export function supportsNativeSidecars(version: ServerVersion): boolean {
  return version.major > 1 || (version.major === 1 && version.minor >= NATIVE_SIDECARS_MIN_MINOR);
}

/** Settings of a ServerVersionWatcher. */
export interface ServerVersionWatcherOptions {
  readonly logger: Logger;
  /** Time between checks once the version is known, in milliseconds (default 10 minutes). */
  readonly intervalMs?: number;
  /** Retry delays while no version is known yet (default 1 s doubling to 1 min). */
  readonly retry?: BackoffOptions;
}

/**
 * Tracks the API server version: asks at start(), retries with backoff until
 * the first answer, then asks every `intervalMs` on an unref'd timer (the
 * control plane can be upgraded while the injector runs). A failed check
 * keeps the last known version. Reads are in memory and never call the API.
 */
export class ServerVersionWatcher {
  private version: ServerVersion | undefined;
  private timer: NodeJS.Timeout | undefined;
  private started = false;
  private stopped = false;
  private readonly listeners: ((version: ServerVersion) => void)[] = [];
  private readonly intervalMs: number;
  private readonly retry: Backoff;

  constructor(
    private readonly api: Pick<ClusterApi, 'getVersion'>,
    private readonly options: ServerVersionWatcherOptions,
  ) {
    this.intervalMs = options.intervalMs ?? 10 * 60_000;
    this.retry = new Backoff(options.retry ?? { initialDelayMs: 1000, maxDelayMs: 60_000, jitter: 0.2 });
  }

  /** Runs the first check and schedules the next ones. Resolves after the first check, failed or not. */
  async start(): Promise<void> {
    if (this.started) {
      return;
    }
    this.started = true;
    await this.check();
  }

  /** Cancels the scheduled check. */
  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  /** Last known version, or undefined before the first successful check. */
  current(): ServerVersion | undefined {
    return this.version;
  }

  /** Whether the API server runs native sidecars, or undefined until the version is known. */
  supportsNativeSidecars(): boolean | undefined {
    return this.version === undefined ? undefined : supportsNativeSidecars(this.version);
  }

  /** Registers a callback that runs when the known version changes, the first detection included. */
  onChange(listener: (version: ServerVersion) => void): void {
    this.listeners.push(listener);
  }

  /**
   * Asks the API server now and updates the known version. Never rejects: a
   * failure is logged and the last known version is kept and returned.
   */
  async refresh(): Promise<ServerVersion | undefined> {
    let next: ServerVersion;
    try {
      next = parseServerVersion(await this.api.getVersion());
    } catch (error) {
      const keptVersion = this.version?.gitVersion ?? null;
      this.options.logger.warn({ err: error, keptVersion }, 'reading the API server version failed; keeping the last known version');
      return this.version;
    }
    const previous = this.version;
    this.version = next;
    if (previous?.major !== next.major || previous.minor !== next.minor || previous.gitVersion !== next.gitVersion) {
      this.options.logger.info(
        { gitVersion: next.gitVersion, previousGitVersion: previous?.gitVersion ?? null, nativeSidecars: supportsNativeSidecars(next) },
        previous === undefined ? 'API server version detected' : 'API server version changed',
      );
      this.listeners.forEach((listener) => listener(next));
    }
    return next;
  }

  private async check(): Promise<void> {
    const known = (await this.refresh()) !== undefined;
    if (this.stopped) {
      return;
    }
    const delay = known ? this.intervalMs : this.retry.next();
    this.timer = setTimeout(() => void this.check(), delay);
    this.timer.unref();
  }
}
