/** Settings of an exponential backoff. */
export interface BackoffOptions {
  /** First delay, in milliseconds. */
  readonly initialDelayMs: number;
  /** Largest delay, in milliseconds. */
  readonly maxDelayMs: number;
  /**
   * Fraction of each delay that is random, from 0 to 1, so that replicas
   * retrying after the same API server outage spread out. 0 makes delays exact.
   */
  readonly jitter?: number;
}

/** Delays that double after each failure, from initialDelayMs up to maxDelayMs. */
export class Backoff {
  private attempt = 0;

  constructor(private readonly options: BackoffOptions) {
    if (!(options.initialDelayMs > 0) || options.maxDelayMs < options.initialDelayMs) {
      throw new RangeError(
        `backoff delays are initial ${options.initialDelayMs} ms and max ${options.maxDelayMs} ms; expected 0 < initial <= max`,
      );
    }
  }

  /** Returns the next delay in milliseconds and doubles the one after it. */
  next(): number {
    const base = Math.min(this.options.maxDelayMs, this.options.initialDelayMs * 2 ** this.attempt);
    this.attempt = Math.min(this.attempt + 1, 30);
    const jitter = Math.min(Math.max(this.options.jitter ?? 0, 0), 1);
    return Math.round(base * (1 - jitter * Math.random()));
  }

  /** Starts again from initialDelayMs, after a success. */
  reset(): void {
    this.attempt = 0;
  }
}

/**
 * Waits `ms` milliseconds on an unref'd timer, so a pending wait does not keep
 * the process alive. Resolves early when `signal` aborts.
 */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) {
      resolve();
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      resolve();
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    timer.unref();
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
