import { X509Certificate, createPrivateKey } from 'node:crypto';
import { createSecureContext } from 'node:tls';
import { readFile, stat } from 'node:fs/promises';
import type { Logger } from 'pino';
import type { KeyPair } from './self-signed.js';

/** Serving certificate and key in use, with a change callback for reloads. */
export interface TlsSource {
  current(): KeyPair;
  /** Expiry of the current certificate. */
  notAfter(): Date;
  /** Registers a callback that runs after a new pair was loaded. */
  onChange(listener: (pair: KeyPair) => void): void;
  /** Stops watching files. */
  close(): void;
}

/** Reads the expiry of a PEM certificate chain's first certificate. */
export function certificateNotAfter(pem: string): Date {
  return new Date(new X509Certificate(pem).validTo);
}

/** Throws when the key does not belong to the certificate or either is unreadable. */
export function checkKeyPair(pair: KeyPair): void {
  createSecureContext({ cert: pair.cert, key: pair.key });
  const certificate = new X509Certificate(pair.cert);
  if (!certificate.checkPrivateKey(createPrivateKey(pair.key))) {
    throw new Error('private key does not match the certificate');
  }
}

/** A fixed pair, such as a generated self-signed certificate. */
export function staticTlsSource(pair: KeyPair): TlsSource {
  return {
    current: () => pair,
    notAfter: () => certificateNotAfter(pair.cert),
    onChange: () => undefined,
    close: () => undefined,
  };
}

async function fingerprint(file: string): Promise<string> {
  const info = await stat(file);
  return `${info.dev}:${info.ino}:${info.size}:${info.mtimeMs}`;
}

/**
 * Loads a certificate and key from files and polls them for changes. Polling
 * (not fs.watch) sees the kubelet's Secret update, which swaps a `..data`
 * symlink rather than writing the files, and cert-manager renewals alike.
 * A pair that does not load or match is logged and skipped; the previous pair
 * keeps serving until a good one appears.
 */
export async function fileTlsSource(
  certFile: string,
  keyFile: string,
  logger: Logger,
  pollMs = 2000,
): Promise<TlsSource> {
  const load = async (): Promise<KeyPair> => {
    const pair = { cert: await readFile(certFile, 'utf8'), key: await readFile(keyFile, 'utf8') };
    checkKeyPair(pair);
    return pair;
  };
  let pair = await load();
  let seen = `${await fingerprint(certFile)}|${await fingerprint(keyFile)}`;
  const listeners: ((pair: KeyPair) => void)[] = [];

  const poll = async () => {
    try {
      const now = `${await fingerprint(certFile)}|${await fingerprint(keyFile)}`;
      if (now === seen) {
        return;
      }
      const next = await load();
      seen = now;
      pair = next;
      logger.info({ certFile, notAfter: certificateNotAfter(next.cert).toISOString() }, 'serving certificate reloaded');
      listeners.forEach((listener) => listener(next));
    } catch (error) {
      logger.warn({ certFile, keyFile, err: error }, 'serving certificate not reloaded; keeping the previous one');
    }
  };
  const timer = setInterval(() => void poll(), pollMs);
  timer.unref();

  return {
    current: () => pair,
    notAfter: () => certificateNotAfter(pair.cert),
    onChange: (listener) => listeners.push(listener),
    close: () => clearInterval(timer),
  };
}
