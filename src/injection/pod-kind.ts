import type { JsonObject } from '../templates/types.js';
import { objectAt, objectsAt, stringAt } from './pod.js';

/** Whether a Pod runs on Windows nodes: by `spec.os.name` or the `kubernetes.io/os` node selector. */
export function isWindowsPod(pod: JsonObject): boolean {
  const spec = objectAt(pod, 'spec');
  return stringAt(objectAt(spec, 'os'), 'name') === 'windows' || objectAt(spec, 'nodeSelector')['kubernetes.io/os'] === 'windows';
}

/**
 * Returns why a Pod is meant to finish, or undefined for a long-running Pod:
 * a restartPolicy of Never or OnFailure, or a Job as owner.
 */
export function completionReason(pod: JsonObject): string | undefined {
  const restartPolicy = stringAt(objectAt(pod, 'spec'), 'restartPolicy');
  if (restartPolicy === 'Never' || restartPolicy === 'OnFailure') {
    return `restartPolicy ${restartPolicy}`;
  }
  const owner = objectsAt(objectAt(pod, 'metadata'), 'ownerReferences').find((reference) => reference.kind === 'Job');
  return owner ? `owned by Job ${stringAt(owner, 'name') ?? ''}`.trim() : undefined;
}
