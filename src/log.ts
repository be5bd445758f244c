import { pino, type DestinationStream, type Logger } from 'pino';

/**
 * Creates the process logger: JSON lines on stdout. Env values, which can hold
 * secrets, are redacted wherever a Pod or container appears in a record; the
 * whole Pod is only logged at debug.
 */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  const options = {
    level,
    base: { service: 'sidecar-injector' },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: {
      paths: [
        'pod.spec.containers[*].env[*].value',
        'pod.spec.initContainers[*].env[*].value',
        'pod.spec.ephemeralContainers[*].env[*].value',
        'env[*].value',
      ],
      censor: '[redacted]',
    },
  };
  return destination ? pino(options, destination) : pino(options);
}

export type { Logger };
