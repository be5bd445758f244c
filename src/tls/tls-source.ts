import type { KeyPair } from './self-signed.js';
import { certificateNotAfter } from './key-pair.js';

export { certificateNotAfter, checkKeyPair } from './key-pair.js';
export { fileTlsSource, type FileTlsSource } from './file-tls-source.js';

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

/** A fixed pair, such as a generated self-signed certificate. */
export function staticTlsSource(pair: KeyPair): TlsSource {
  return {
    current: () => pair,
    notAfter: () => certificateNotAfter(pair.cert),
    onChange: () => undefined,
    close: () => undefined,
  };
}
