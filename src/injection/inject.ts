import { ProblemCode, type Problem } from '../problems.js';
import type { JsonObject } from '../templates/types.js';
import type { AnnotationKeys } from './annotations.js';
import { appendItems, pointer, setMapEntry, type AddOperation } from './patch.js';
import { containerNames, isObject, jsonEqual, objectAt, objectsAt, stringAt } from './pod.js';
import type { ResolvedTemplate } from './resolve.js';
import { formatStatus, type InjectionStatus } from './status.js';

/** Settings that shape one injection. */
export interface InjectionOptions {
  readonly keys: AnnotationKeys;
  /** Inject sidecars as init containers with restartPolicy Always (Kubernetes 1.29+). */
  readonly nativeSidecars: boolean;
}

/** The patch for one Pod, or the problems that stop it. */
export interface Injection {
  readonly patch: AddOperation[];
  readonly problems: Problem[];
  readonly warnings: string[];
  readonly status: InjectionStatus;
}

/** A container a template adds, with the template it belongs to. */
interface PlacedContainer {
  readonly template: string;
  readonly container: JsonObject;
}

/** Injected containers sorted into the places they go. */
interface Placement {
  readonly containers: PlacedContainer[];
  readonly initFirst: PlacedContainer[];
  readonly initLast: PlacedContainer[];
}

/** New volume mounts and env vars for one of the Pod's own containers. */
interface AppContainerChange {
  readonly mounts: JsonObject[];
  readonly env: JsonObject[];
}

/**
 * Sorts each template's containers into place. In native mode a sidecar becomes
 * an init container with restartPolicy Always, which the kubelet starts before
 * the app and keeps running. A template's init containers come before its sidecars.
 */
function placeContainers(templates: readonly ResolvedTemplate[], native: boolean): Placement {
  const placement: Placement = { containers: [], initFirst: [], initLast: [] };
  for (const resolved of templates) {
    const template = resolved.template.name;
    const initList = resolved.template.initContainerPosition === 'last' ? placement.initLast : placement.initFirst;
    for (const container of resolved.initContainers) {
      initList.push({ template, container });
    }
    for (const container of resolved.containers) {
      if (native) {
        initList.push({ template, container: { ...container, restartPolicy: 'Always' } });
      } else {
        placement.containers.push({ template, container });
      }
    }
  }
  return placement;
}

function checkContainerNames(spec: JsonObject, placement: Placement, problems: Problem[]): void {
  const existing = containerNames(spec);
  const injected = new Map<string, string>();
  for (const { template, container } of [...placement.initFirst, ...placement.initLast, ...placement.containers]) {
    const name = String(container.name);
    const other = injected.get(name);
    if (other !== undefined) {
      problems.push({ code: ProblemCode.TemplateConflict, template, message: `templates ${other} and ${template} both add a container named "${name}"; inject only one of them` });
    } else if (existing.has(name)) {
      problems.push({ code: ProblemCode.NameConflict, template, message: `template ${template} adds container "${name}", but the Pod already has a container of that name; rename the Pod's container or stop injecting ${template}` });
    }
    injected.set(name, template);
  }
}

/**
 * Chooses the volumes to add. A volume already present in exactly the same form,
 * in the Pod or from an earlier template, is shared instead of added twice; a
 * different volume of the same name is a conflict.
 */
function mergeVolumes(spec: JsonObject, templates: readonly ResolvedTemplate[], problems: Problem[]): JsonObject[] {
  const existing = new Map(objectsAt(spec, 'volumes').map((volume) => [stringAt(volume, 'name'), volume]));
  const added = new Map<string, { template: string; volume: JsonObject }>();
  for (const resolved of templates) {
    const template = resolved.template.name;
    for (const volume of resolved.volumes) {
      const name = String(volume.name);
      const inPod = existing.get(name);
      const earlier = added.get(name);
      if (inPod !== undefined) {
        if (!jsonEqual(inPod, volume)) {
          problems.push({ code: ProblemCode.VolumeConflict, template, message: `template ${template} adds volume "${name}", but the Pod already has a different volume of that name; rename the Pod's volume or stop injecting ${template}` });
        }
      } else if (earlier !== undefined) {
        if (!jsonEqual(earlier.volume, volume)) {
          problems.push({ code: ProblemCode.TemplateConflict, template, message: `templates ${earlier.template} and ${template} both add a volume named "${name}" with different sources; inject only one of them` });
        }
      } else {
        added.set(name, { template, volume });
      }
    }
  }
  return [...added.values()].map((entry) => entry.volume);
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

function addMount(
  container: JsonObject,
  change: AppContainerChange,
  mount: JsonObject,
  template: string,
  problems: Problem[],
): void {
  const mountPath = String(mount.mountPath);
  const name = stringAt(container, 'name');
  const current = [...objectsAt(container, 'volumeMounts'), ...change.mounts].find((m) => stringAt(m, 'mountPath') === mountPath);
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
function planAppContainers(
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

function buildStatus(templates: readonly ResolvedTemplate[], placement: Placement, volumes: readonly JsonObject[], native: boolean): InjectionStatus {
  const names = (list: readonly PlacedContainer[]) => list.map(({ container }) => String(container.name));
  return {
    templates: templates.map(({ template }) => ({ name: template.name, hash: template.hash })),
    containers: names(placement.containers),
    initContainers: [...names(placement.initFirst), ...names(placement.initLast)],
    volumes: volumes.map((volume) => String(volume.name)),
    sidecarMode: native ? 'native' : 'classic',
  };
}

/**
 * Inserts init containers before and after the Pod's own. When the Pod has none,
 * the whole list is added at once, because evanphx/json-patch cannot insert
 * into a missing array.
 */
function addInitContainers(patch: AddOperation[], spec: JsonObject, placement: Placement): void {
  const first = placement.initFirst.map((p) => p.container);
  const last = placement.initLast.map((p) => p.container);
  if (!Array.isArray(spec.initContainers)) {
    appendItems(patch, spec, '/spec', 'initContainers', [...first, ...last]);
    return;
  }
  first.forEach((container, index) => patch.push({ op: 'add', path: `/spec/initContainers/${index}`, value: container }));
  appendItems(patch, spec, '/spec', 'initContainers', last);
}

function addStatusAnnotation(patch: AddOperation[], pod: JsonObject, keys: AnnotationKeys, status: InjectionStatus): void {
  if (!isObject(pod.metadata)) {
    patch.push({ op: 'add', path: '/metadata', value: { annotations: { [keys.status]: formatStatus(status) } } });
    return;
  }
  setMapEntry(patch, pod.metadata, '/metadata', 'annotations', keys.status, formatStatus(status));
}

/**
 * Builds the JSON patch that injects rendered templates into a Pod, working on
 * the raw object so that fields this code does not model pass through untouched.
 * Returns every conflict as a problem instead of a patch that would produce an
 * invalid Pod. The status annotation written by the patch makes a later
 * admission of the same Pod a no-op.
 */
export function planInjection(
  pod: JsonObject,
  templates: readonly ResolvedTemplate[],
  options: InjectionOptions,
): Injection {
  const problems: Problem[] = [];
  const warnings: string[] = [];
  const spec = objectAt(pod, 'spec');

  const placement = placeContainers(templates, options.nativeSidecars);
  checkContainerNames(spec, placement, problems);
  const volumes = mergeVolumes(spec, templates, problems);
  const changes = planAppContainers(spec, templates, problems, warnings);
  const status = buildStatus(templates, placement, volumes, options.nativeSidecars);
  if (problems.length > 0) {
    return { patch: [], problems, warnings, status };
  }

  const patch: AddOperation[] = [];
  const containers = objectsAt(spec, 'containers');
  for (const [index, change] of [...changes].sort(([a], [b]) => a - b)) {
    const container = containers[index]!;
    appendItems(patch, container, pointer('spec', 'containers', index), 'volumeMounts', change.mounts);
    appendItems(patch, container, pointer('spec', 'containers', index), 'env', change.env);
  }
  appendItems(patch, spec, '/spec', 'volumes', volumes);
  addInitContainers(patch, spec, placement);
  appendItems(patch, spec, '/spec', 'containers', placement.containers.map((p) => p.container));
  addStatusAnnotation(patch, pod, options.keys, status);
  return { patch, problems, warnings, status };
}
