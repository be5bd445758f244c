import type { Problem } from '../problems.js';
import type { JsonObject } from '../templates/types.js';
import type { AnnotationKeys } from './annotations.js';
import { planAppContainers } from './app-containers.js';
import { checkContainerNames, checkPodSecurity, checkPorts, checkResources } from './checks.js';
import { appendItems, pointer, setMapEntry, type AddOperation } from './patch.js';
import { placeContainers, type PlacedContainer, type Placement } from './placement.js';
import type { PodSecurityLevel } from './pod-security.js';
import { isObject, objectAt, objectsAt } from './pod.js';
import type { ResolvedTemplate } from './resolve.js';
import { formatStatus, type InjectionStatus } from './status.js';
import { mergeVolumes, type TemplateVolume } from './volumes.js';

/** Settings that shape one injection. */
export interface InjectionOptions {
  readonly keys: AnnotationKeys;
  /** Inject sidecars as init containers with restartPolicy Always (Kubernetes 1.29+). */
  readonly nativeSidecars: boolean;
  /** The Pod Security level the Pod's namespace enforces, when known. */
  readonly podSecurity?: { readonly namespace: string; readonly level: PodSecurityLevel };
}

/** The patch for one Pod, or the problems that stop it. */
export interface Injection {
  readonly patch: AddOperation[];
  readonly problems: Problem[];
  readonly warnings: string[];
  readonly status: InjectionStatus;
}

function buildStatus(templates: readonly ResolvedTemplate[], placement: Placement, volumes: readonly TemplateVolume[], native: boolean): InjectionStatus {
  const names = (list: readonly PlacedContainer[]) => list.map(({ container }) => String(container.name));
  return {
    templates: templates.map(({ template }) => ({ name: template.name, hash: template.hash })),
    containers: [...names(placement.containersFirst), ...names(placement.containersLast)],
    initContainers: [...names(placement.initFirst), ...names(placement.initLast)],
    volumes: volumes.map(({ volume }) => String(volume.name)),
    sidecarMode: native ? 'native' : 'classic',
  };
}

/**
 * Inserts containers before and after the Pod's own in one list. When the Pod
 * has no such list, it is added whole, because evanphx/json-patch (which
 * kube-apiserver uses) cannot insert into a missing array.
 */
function addContainers(patch: AddOperation[], spec: JsonObject, field: string, first: readonly PlacedContainer[], last: readonly PlacedContainer[]): void {
  const front = first.map((placed) => placed.container);
  const back = last.map((placed) => placed.container);
  if (!Array.isArray(spec[field])) {
    appendItems(patch, spec, '/spec', field, [...front, ...back]);
    return;
  }
  front.forEach((container, index) => patch.push({ op: 'add', path: pointer('spec', field, index), value: container }));
  appendItems(patch, spec, '/spec', field, back);
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
export function planInjection(pod: JsonObject, templates: readonly ResolvedTemplate[], options: InjectionOptions): Injection {
  const problems: Problem[] = [];
  const warnings: string[] = [];
  const spec = objectAt(pod, 'spec');

  const placement = placeContainers(templates, options.nativeSidecars, pod);
  checkContainerNames(spec, placement, problems);
  checkPorts(spec, placement, problems);
  checkResources(placement, problems);
  const volumes = mergeVolumes(spec, templates, problems);
  if (options.podSecurity) {
    checkPodSecurity(pod, placement, volumes, options.podSecurity, problems);
  }
  const changes = planAppContainers(spec, templates, problems, warnings);
  const status = buildStatus(templates, placement, volumes, options.nativeSidecars);
  if (problems.length > 0) {
    return { patch: [], problems, warnings, status };
  }

  // App container ops use the Pod's own indices, so they come before any insert.
  const patch: AddOperation[] = [];
  const containers = objectsAt(spec, 'containers');
  for (const [index, change] of [...changes].sort(([a], [b]) => a - b)) {
    const container = containers[index]!;
    appendItems(patch, container, pointer('spec', 'containers', index), 'volumeMounts', change.mounts);
    appendItems(patch, container, pointer('spec', 'containers', index), 'env', change.env);
  }
  appendItems(patch, spec, '/spec', 'volumes', volumes.map(({ volume }) => volume));
  addContainers(patch, spec, 'initContainers', placement.initFirst, placement.initLast);
  addContainers(patch, spec, 'containers', placement.containersFirst, placement.containersLast);
  addStatusAnnotation(patch, pod, options.keys, status);
  return { patch, problems, warnings, status };
}
