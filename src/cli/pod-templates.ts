import { isObject } from '../injection/pod.js';
import type { JsonObject } from '../templates/types.js';

/** A Pod, or a workload's pod template, found inside a manifest object. */
export interface PodLocation {
  /** Path from the manifest object to the Pod-shaped object; [] for a Pod itself. */
  readonly path: readonly (string | number)[];
  /** The Pod itself, or a Pod built from the template's metadata and spec. */
  readonly pod: JsonObject;
  /** `Kind/name` of the manifest object, for messages. */
  readonly owner: string;
}

/** Path of the pod template in each workload kind. */
const TEMPLATE_PATHS: Readonly<Record<string, readonly string[]>> = {
  Deployment: ['spec', 'template'],
  StatefulSet: ['spec', 'template'],
  DaemonSet: ['spec', 'template'],
  ReplicaSet: ['spec', 'template'],
  ReplicationController: ['spec', 'template'],
  Job: ['spec', 'template'],
  CronJob: ['spec', 'jobTemplate', 'spec', 'template'],
  PodTemplate: ['template'],
};

function getIn(value: unknown, path: readonly (string | number)[]): unknown {
  let current = value;
  for (const key of path) {
    if (!isObject(current) && !Array.isArray(current)) {
      return undefined;
    }
    current = (current as Record<string | number, unknown>)[key];
  }
  return current;
}

function describe(object: JsonObject): string {
  const metadata = isObject(object.metadata) ? object.metadata : {};
  const name = metadata.name ?? metadata.generateName ?? '(unnamed)';
  return `${String(object.kind)}/${String(name)}`;
}

/**
 * Lists the Pods in one manifest object: the object itself when it is a Pod,
 * the pod template of a workload, or the items of a `kind: List`. A pod
 * template becomes a Pod whose metadata and spec are the template's, so it is
 * injected exactly as the webhook would inject the Pods created from it.
 */
export function findPods(object: unknown, base: readonly (string | number)[] = []): PodLocation[] {
  if (!isObject(object)) {
    return [];
  }
  if (object.kind === 'List' && Array.isArray(object.items)) {
    return object.items.flatMap((item, index) => findPods(item, [...base, 'items', index]));
  }
  if (object.kind === 'Pod') {
    return isObject(object.spec) ? [{ path: base, pod: object, owner: describe(object) }] : [];
  }
  const templatePath = TEMPLATE_PATHS[String(object.kind)];
  const template = templatePath ? getIn(object, templatePath) : undefined;
  if (!templatePath || !isObject(template) || !isObject(template.spec)) {
    return [];
  }
  const pod: JsonObject = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: isObject(template.metadata) ? template.metadata : {},
    spec: template.spec,
  };
  return [{ path: [...base, ...templatePath], pod, owner: describe(object) }];
}
