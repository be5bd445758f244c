import { readFile } from 'node:fs/promises';
import type { Logger } from 'pino';
import { certificateNotAfter, checkKeyPair } from './key-pair.js';
import type { KeyPair } from './self-signed.js';
import type { TlsSource } from './tls-source.js';

/** Default time between two reads of the certificate and key files. */
export const DEFAULT_TLS_POLL_MS = 2000;

/** Outcome of one read of the files. */
export type ReloadResult = 'unchanged' | 'reloaded' | 'rejected';

/** A TLS source backed by files, with hooks for rejected pairs and on-demand checks. */
export interface FileTlsSource extends TlsSource {
  /** Registers a callback that runs when two reads in a row found the same bad pair; the previous pair stays in use. */
  onReject(listener: (error: Error) => void): void;
  /** Reads the files now instead of waiting for the next poll. */
  reload(): Promise<ReloadResult>;
}

async function readPair(certFile: string, keyFile: string): Promise<KeyPair> {
  return { cert: await readFile(certFile, 'utf8'), key: await readFile(keyFile, 'utf8') };
}

/**
 * Loads a certificate and key from files and reads them again every `pollMs`.
 * A changed pair is used for new connections once it loads and its key
 * matches the certificate. A pair that does not (a half-written file, or the
 * cert of one pair with the key of another) is skipped, and the previous pair
 * keeps serving until a good pair appears. When two reads in a row find the
 * same bad pair, it is logged and passed to the onReject listeners once.
 *
 * The files are compared by content rather than watched with fs.watch or
 * compared by inode, because the kubelet updates a mounted Secret by swapping
 * a `..data` symlink to a new directory, so the paths themselves never change.
 * Rejects with KeyPairError or a file-system error when the first read fails.
 */
export async function fileTlsSource(
  certFile: string,
  keyFile: string,
  logger: Logger,
  pollMs: number = DEFAULT_TLS_POLL_MS,
): Promise<FileTlsSource> {
  let pair = await readPair(certFile, keyFile);
  checkKeyPair(pair);
  // Content (or read error) of the last failed read, and of the last one reported.
  let failedOnce = '';
  let reported = '';
  const changeListeners: ((pair: KeyPair) => void)[] = [];
  const rejectListeners: ((error: Error) => void)[] = [];

  // Two files cannot be replaced in one step, so a read can catch a new
  // certificate with the old key. A failure is reported only when the next
  // read finds the same content, and then only once.
  const reject = (error: unknown, content: string): ReloadResult => {
    if (content === reported) {
      return 'rejected';
    }
    if (content !== failedOnce) {
      failedOnce = content;
      return 'rejected';
    }
    reported = content;
    logger.warn({ certFile, keyFile, err: error }, 'serving certificate not reloaded; keeping the previous one');
    rejectListeners.forEach((listener) => listener(error as Error));
    return 'rejected';
  };

  const readAndApply = async (): Promise<ReloadResult> => {
    let next: KeyPair;
    try {
      next = await readPair(certFile, keyFile);
    } catch (error) {
      return reject(error, String(error));
    }
    if (next.cert === pair.cert && next.key === pair.key) {
      return 'unchanged';
    }
    try {
      checkKeyPair(next);
    } catch (error) {
      return reject(error, `${next.cert}\0${next.key}`);
    }
    pair = next;
    failedOnce = '';
    reported = '';
    logger.info({ certFile, notAfter: certificateNotAfter(next.cert).toISOString() }, 'serving certificate reloaded');
    changeListeners.forEach((listener) => listener(next));
    return 'reloaded';
  };

  // Calls that arrive while a read runs share it, so one change is applied and reported once.
  let running: Promise<ReloadResult> | undefined;
  const reload = (): Promise<ReloadResult> => {
    running ??= readAndApply().finally(() => {
      running = undefined;
    });
    return running;
  };

  let timer: NodeJS.Timeout | undefined;
  let closed = false;
  // A chain of timeouts rather than setInterval, so that a slow read never overlaps the next one.
  const schedule = () => {
    timer = setTimeout(() => {
      void reload().finally(() => {
        if (!closed) {
          schedule();
        }
      });
    }, pollMs);
    timer.unref();
  };
  schedule();

  return {
    current: () => pair,
    notAfter: () => certificateNotAfter(pair.cert),
    onChange: (listener) => changeListeners.push(listener),
    onReject: (listener) => rejectListeners.push(listener),
    reload,
    close: () => {
      closed = true;
      clearTimeout(timer);
    },
  };
}
