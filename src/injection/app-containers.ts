import { ProblemCode, type Problem } from '../problems.js';
import type { JsonObject } from '../templates/types.js';
import { jsonEqual, objectsAt, stringAt } from './pod.js';
import type { ResolvedTemplate } from './resolve.js';

/** New volume mounts and env vars for one of the Pod's own containers. */
export interface AppContainerChange {
  readonly mounts: JsonObject[];
  readonly env: JsonObject[];
}

function selectAppContainers(
  resolved: ResolvedTemplate,
  containers: readonly JsonObject[],
  problems: Problem[],
): number[] {
  const selection = resolved.appContainerSelection;
  if (selection === '*') {
    return containers.map((_container, index) => index);
  }
  const names = containers.map((container) => stringAt(container, 'name'));
  const indices: number[] = [];
  for (const name of selection) {
    const index = names.indexOf(name);
    if (index < 0) {
      problems.push({ code: ProblemCode.InvalidParameter, template: resolved.template.name, message: `template ${resolved.template.name} selects app container "${name}", which the Pod does not have; its containers are: ${names.join(', ')}` });
    } else {
      indices.push(index);
    }
  }
  return indices;
}

/** Reduces a path to the directory the container runtime mounts on: no repeated or trailing "/". */
function normalizePath(path: string): string {
  const collapsed = path.replace(/\/+/g, '/');
  return collapsed.length > 1 ? collapsed.replace(/\/$/, '') : collapsed;
}

function addMount(
  container: JsonObject,
  change: AppContainerChange,
  mount: JsonObject,
  template: string,
  problems: Problem[],
): void {
  const mountPath = String(mount.mountPath);
  const name = stringAt(container, 'name');
  const target = normalizePath(mountPath);
  const current = [...objectsAt(container, 'volumeMounts'), ...change.mounts].find((m) => normalizePath(String(m.mountPath ?? '')) === target);
  if (current === undefined) {
    change.mounts.push(mount);
  } else if (!jsonEqual(current, mount)) {
    problems.push({ code: ProblemCode.MountConflict, template, message: `template ${template} mounts volume "${String(mount.name)}" at ${mountPath} in container ${name}, but that container already mounts "${String(current.name)}" there; choose another path through the template's parameters` });
  }
}

function addEnv(
  container: JsonObject,
  change: AppContainerChange,
  variable: JsonObject,
  template: string,
  warnings: string[],
): void {
  const name = String(variable.name);
  const current = [...objectsAt(container, 'env'), ...change.env].find((v) => stringAt(v, 'name') === name);
  if (current === undefined) {
    change.env.push(variable);
  } else if (!jsonEqual(current, variable)) {
    warnings.push(`container ${String(container.name)} already sets ${name}; its value is kept and template ${template} does not set it`);
  }
}

/**
 * Plans the mounts and env vars for the Pod's own containers. An env var the
 * container already sets keeps the user's value; a mount path the container
 * already uses for something else is a conflict.
 */
export function planAppContainers(
  spec: JsonObject,
  templates: readonly ResolvedTemplate[],
  problems: Problem[],
  warnings: string[],
): Map<number, AppContainerChange> {
  const containers = objectsAt(spec, 'containers');
  const changes = new Map<number, AppContainerChange>();
  for (const resolved of templates) {
    if (resolved.appVolumeMounts.length === 0 && resolved.appEnv.length === 0) {
      continue;
    }
    const template = resolved.template.name;
    for (const index of selectAppContainers(resolved, containers, problems)) {
      const container = containers[index]!;
      const change = changes.get(index) ?? { mounts: [], env: [] };
      changes.set(index, change);
      resolved.appVolumeMounts.forEach((mount) => addMount(container, change, mount, template, problems));
      resolved.appEnv.forEach((variable) => addEnv(container, change, variable, template, warnings));
    }
  }
  return changes;
}

