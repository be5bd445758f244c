import { setTimeout as delay } from 'node:timers/promises';
import type { ClusterApi } from '../../src/cluster/api.js';
import { createKubeClusterApi } from '../../src/cluster/kube-client.js';
import { createLogger, type Logger } from '../../src/log.js';
import type { FakeApiServer } from './fake-api-server.js';

/** Backoff for tests: short, exact delays, so retries happen within a few polls. */
export const FAST_BACKOFF = { initialDelayMs: 10, maxDelayMs: 100, jitter: 0 } as const;

/** A ClusterApi from the real client, pointed at a fake API server over plain HTTP. */
export function connect(fake: FakeApiServer): ClusterApi {
  return createKubeClusterApi({ from: 'server', server: fake.url, insecureSkipTlsVerify: true });
}

/** One log record as pino writes it. */
export interface LogRecord {
  readonly level: number;
  readonly msg: string;
  readonly [field: string]: unknown;
}

/** A debug-level logger that keeps its records in memory. */
export function memoryLogger(): { logger: Logger; records: LogRecord[] } {
  const records: LogRecord[] = [];
  const logger = createLogger('debug', { write: (line: string) => records.push(JSON.parse(line) as LogRecord) });
  return { logger, records };
}

/** pino's numeric level of warn. */
export const WARN = 40;

/**
 * Polls `condition` every 20 ms, at most 500 times, and throws naming
 * `description` if it never holds. Checks state, not speed.
 */
export async function waitFor(description: string, condition: () => boolean): Promise<void> {
  for (let attempt = 0; attempt < 500; attempt += 1) {
    if (condition()) {
      return;
    }
    await delay(20);
  }
  throw new Error(`condition never held: ${description}`);
}
