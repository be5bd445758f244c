import { Writable } from 'node:stream';
import { createLogger, type Logger } from '../../../src/log.js';

/** A logger whose JSON lines are kept in memory, parsed. */
export interface MemoryLogger {
  readonly logger: Logger;
  readonly records: Record<string, unknown>[];
  /** Everything written, as text, for checks that a value appears nowhere. */
  text(): string;
}

/** Creates the process logger (createLogger) writing to memory at `level`. */
export function memoryLogger(level = 'info'): MemoryLogger {
  const lines: string[] = [];
  const records: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      for (const line of chunk.toString('utf8').split('\n')) {
        if (line.trim() !== '') {
          lines.push(line);
          records.push(JSON.parse(line) as Record<string, unknown>);
        }
      }
      callback();
    },
  });
  return { logger: createLogger(level, destination), records, text: () => lines.join('\n') };
}
