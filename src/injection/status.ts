import type { AnnotationKeys } from './annotations.js';

/** Record of one injection, stored as JSON in the `<prefix>/status` annotation. */
export interface InjectionStatus {
  readonly templates: readonly { readonly name: string; readonly hash: string }[];
  readonly containers: readonly string[];
  readonly initContainers: readonly string[];
  readonly volumes: readonly string[];
  /** `native` when sidecars were injected as init containers with restartPolicy Always. */
  readonly sidecarMode: 'native' | 'classic';
}

/** Tells whether the Pod carries the status annotation, so it was injected before. */
export function isInjected(annotations: Readonly<Record<string, unknown>>, keys: AnnotationKeys): boolean {
  return Object.hasOwn(annotations, keys.status);
}

/**
 * Reads the status annotation. Returns undefined when it is absent or is not
 * the JSON this injector writes (for example, edited by hand).
 */
export function readStatus(
  annotations: Readonly<Record<string, unknown>>,
  keys: AnnotationKeys,
): InjectionStatus | undefined {
  const raw = annotations[keys.status];
  if (typeof raw !== 'string') {
    return undefined;
  }
  try {
    const parsed = JSON.parse(raw) as Partial<InjectionStatus>;
    return Array.isArray(parsed.templates) ? (parsed as InjectionStatus) : undefined;
  } catch {
    return undefined;
  }
}

/** Serializes a status for the annotation, with keys in a fixed order. */
export function formatStatus(status: InjectionStatus): string {
  return JSON.stringify({
    templates: status.templates.map(({ name, hash }) => ({ name, hash })),
    containers: status.containers,
    initContainers: status.initContainers,
    volumes: status.volumes,
    sidecarMode: status.sidecarMode,
  });
}
