/** Readiness of the parts the webhook needs before it may receive traffic. */
export interface Readiness {
  /** Names of the parts not ready yet, in registration order; empty when ready. */
  notReady(): string[];
}

/** Tells whether one part is ready. A check that throws counts as not ready. */
export type ReadinessCheck = () => boolean;

/** Readiness composed of named checks that parts of the process register. */
export interface ReadinessRegistry extends Readiness {
  /**
   * Adds a named check, such as `templates`, `certificate`, `draining` or
   * `namespace-cache`. Throws ReadinessError with code DuplicateCheck when
   * the name is taken, since two parts would then report under one name.
   */
  register(name: string, check: ReadinessCheck): void;
}

/** Raised for an invalid readiness registration. */
export class ReadinessError extends Error {
  readonly code = 'DuplicateCheck';
}

function passes(check: ReadinessCheck): boolean {
  try {
    return check();
  } catch {
    return false;
  }
}

/** Creates an empty registry: ready until a registered check fails. */
export function createReadiness(): ReadinessRegistry {
  const checks = new Map<string, ReadinessCheck>();
  return {
    register(name, check) {
      if (checks.has(name)) {
        throw new ReadinessError(`readiness check "${name}" is already registered; register each part once under its own name`);
      }
      checks.set(name, check);
    },
    notReady() {
      return [...checks].filter(([, check]) => !passes(check)).map(([name]) => name);
    },
  };
}
