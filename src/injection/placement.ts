import type { JsonObject } from '../templates/types.js';
import { isObject, objectAt } from './pod.js';
import type { ResolvedTemplate } from './resolve.js';

/**
 * UID given to injected containers that set none, in Pods that ask for a non-root
 * user: the kubelet can only verify runAsNonRoot against a numeric UID, and
 * 65532 is the conventional "nonroot" user of distroless images.
 */
export const NON_ROOT_UID = 65532;

/** A container a template adds, with the template it belongs to. */
export interface PlacedContainer {
  readonly template: string;
  readonly container: JsonObject;
}

/** Injected containers sorted into the four places they can go. */
export interface Placement {
  /** Classic sidecars that must run before the app: inserted at the front of `containers`. */
  readonly containersFirst: PlacedContainer[];
  readonly containersLast: PlacedContainer[];
  /** Init containers and native sidecars that go before the Pod's own init containers. */
  readonly initFirst: PlacedContainer[];
  readonly initLast: PlacedContainer[];
}

/** Lists every placed container, in Pod order within each list. */
export function allPlaced(placement: Placement): PlacedContainer[] {
  return [...placement.initFirst, ...placement.initLast, ...placement.containersFirst, ...placement.containersLast];
}

/**
 * Applies a template container's `classic` or `native` section, which contains
 * fields that only make sense in one mode (a postStart wait, a preStop drain),
 * and drops both sections.
 */
function forMode(container: JsonObject, native: boolean): JsonObject {
  const { classic, native: nativeFields, ...rest } = container;
  const extra = native ? nativeFields : classic;
  return isObject(extra) ? { ...rest, ...extra } : rest;
}

/** Tells whether the Pod requires its containers to run as a non-root user. */
function wantsNonRoot(pod: JsonObject): boolean {
  const context = objectAt(objectAt(pod, 'spec'), 'securityContext');
  return context.runAsNonRoot === true || Object.keys(context).length > 0;
}

function withNonRootUid(container: JsonObject): JsonObject {
  const context = objectAt(container, 'securityContext');
  if (typeof context.runAsUser === 'number') {
    return container;
  }
  return { ...container, securityContext: { ...context, runAsUser: NON_ROOT_UID } };
}

/**
 * Sorts each template's containers into place. In native mode a sidecar becomes
 * an init container with restartPolicy Always, which the kubelet starts before
 * the app, keeps running, and stops after the app. A template's init containers
 * come before its sidecars; templates keep the order they were requested in.
 */
export function placeContainers(templates: readonly ResolvedTemplate[], native: boolean, pod: JsonObject): Placement {
  const placement: Placement = { containersFirst: [], containersLast: [], initFirst: [], initLast: [] };
  const nonRoot = wantsNonRoot(pod);
  const prepare = (container: JsonObject) => (nonRoot ? withNonRootUid(forMode(container, native)) : forMode(container, native));

  for (const resolved of templates) {
    const { template } = resolved;
    const initList = template.initContainerPosition === 'last' ? placement.initLast : placement.initFirst;
    const classicList = template.classicContainerPosition === 'first' ? placement.containersFirst : placement.containersLast;
    for (const container of resolved.initContainers) {
      initList.push({ template: template.name, container: prepare(container) });
    }
    for (const container of resolved.containers) {
      if (native) {
        initList.push({ template: template.name, container: { ...prepare(container), restartPolicy: 'Always' } });
      } else {
        classicList.push({ template: template.name, container: prepare(container) });
      }
    }
  }
  return placement;
}
