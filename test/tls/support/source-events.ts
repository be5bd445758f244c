import type { FileTlsSource } from '../../../src/tls/tls-source.js';
import type { KeyPair } from '../../../src/tls/self-signed.js';

/** Changes and rejections a file TLS source reported, with waits on their counts. */
export interface SourceEvents {
  readonly changes: KeyPair[];
  readonly rejections: Error[];
  /** Resolves once at least `count` changes were reported. */
  untilChanges(count: number): Promise<void>;
  /** Resolves once at least `count` rejections were reported. */
  untilRejections(count: number): Promise<void>;
}

/** Records a source's events from now on. */
export function recordEvents(source: FileTlsSource): SourceEvents {
  const changes: KeyPair[] = [];
  const rejections: Error[] = [];
  let waiters: (() => void)[] = [];
  const wake = () => {
    const woken = waiters;
    waiters = [];
    woken.forEach((resolve) => resolve());
  };
  source.onChange((pair) => {
    changes.push(pair);
    wake();
  });
  source.onReject((error) => {
    rejections.push(error);
    wake();
  });
  const until = async (condition: () => boolean) => {
    while (!condition()) {
      await new Promise<void>((resolve) => waiters.push(resolve));
    }
  };
  return {
    changes,
    rejections,
    untilChanges: (count) => until(() => changes.length >= count),
    untilRejections: (count) => until(() => rejections.length >= count),
  };
}
