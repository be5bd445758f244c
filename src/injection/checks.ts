import { ProblemCode, type Problem } from '../problems.js';
import type { JsonObject } from '../templates/types.js';
import { containerViolations, volumeViolations, type PodSecurityLevel } from './pod-security.js';
import { allPlaced, type Placement } from './placement.js';
import { parseQuantity } from '../templates/quantity.js';
import { containerNames, isObject, objectAt, objectsAt, stringAt } from './pod.js';

/** Rejects injected container names already used in the Pod or by another template. */
export function checkContainerNames(spec: JsonObject, placement: Placement, problems: Problem[]): void {
  const existing = containerNames(spec);
  const injected = new Map<string, string>();
  for (const { template, container } of allPlaced(placement)) {
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

/** A port a container listens on; on hostNetwork Pods the node's port. */
interface ListeningPort {
  readonly port: number;
  readonly protocol: string;
  readonly owner: string;
}

function portsOf(container: JsonObject, hostNetwork: boolean, owner: string): ListeningPort[] {
  return objectsAt(container, 'ports').flatMap((port) => {
    const protocol = stringAt(port, 'protocol') ?? 'TCP';
    const found: ListeningPort[] = [{ port: Number(port.containerPort), protocol, owner }];
    if (!hostNetwork && port.hostPort !== undefined) {
      found.push({ port: Number(port.hostPort), protocol, owner: `${owner} (hostPort)` });
    }
    return found;
  });
}

/**
 * Rejects a port an injected container declares when another container of the
 * Pod declares it too. All containers of a Pod share one network namespace,
 * so two of them cannot listen on the same port; with hostNetwork that
 * namespace is the node's, so every container port is also a host port.
 */
export function checkPorts(spec: JsonObject, placement: Placement, problems: Problem[]): void {
  const hostNetwork = spec.hostNetwork === true;
  const taken: ListeningPort[] = [];
  for (const field of ['initContainers', 'containers']) {
    for (const container of objectsAt(spec, field)) {
      taken.push(...portsOf(container, hostNetwork, `container ${stringAt(container, 'name')}`));
    }
  }
  for (const { template, container } of allPlaced(placement)) {
    const own = portsOf(container, hostNetwork, `container ${String(container.name)} of template ${template}`);
    for (const port of own) {
      const clash = taken.find((other) => other.port === port.port && other.protocol === port.protocol);
      if (clash) {
        const where = hostNetwork ? ' on the node (the Pod uses hostNetwork)' : '';
        problems.push({ code: ProblemCode.PortConflict, template, message: `template ${template} listens on ${port.protocol} port ${port.port}${where}, which ${clash.owner} already uses; set another port through the template's parameters` });
      }
    }
    taken.push(...own);
  }
}

/**
 * Checks injected containers and volumes against the Pod Security level their
 * namespace enforces, so the denial names the template instead of coming from
 * the API server's PodSecurity admission after the webhook.
 */
export function checkPodSecurity(
  pod: JsonObject,
  placement: Placement,
  volumes: readonly { template: string; volume: JsonObject }[],
  level: { namespace: string; level: PodSecurityLevel },
  problems: Problem[],
): void {
  const enforced = `namespace ${level.namespace} enforces Pod Security level "${level.level}"`;
  for (const { template, container } of allPlaced(placement)) {
    const violations = containerViolations(container, pod, level.level);
    if (violations.length > 0) {
      problems.push({ code: ProblemCode.PodSecurity, template, message: `${enforced}, but container ${String(container.name)} of template ${template} breaks it: ${violations.join(', ')}; fix the template or inject it elsewhere` });
    }
  }
  for (const { template, volume } of volumes) {
    const violations = volumeViolations(volume, level.level);
    if (violations.length > 0 && isObject(volume)) {
      problems.push({ code: ProblemCode.PodSecurity, template, message: `${enforced}, but volume ${String(volume.name)} of template ${template} ${violations.join(', ')}` });
    }
  }
}

/**
 * Rejects an injected container whose resource request is above its limit,
 * which the API server would reject. The two values come from separate
 * parameters, so each can be valid on its own.
 */
export function checkResources(placement: Placement, problems: Problem[]): void {
  for (const { template, container } of allPlaced(placement)) {
    const resources = objectAt(container, 'resources');
    const requests = objectAt(resources, 'requests');
    const limits = objectAt(resources, 'limits');
    for (const [name, request] of Object.entries(requests)) {
      const limit = limits[name];
      if (limit === undefined || (parseQuantity(String(request)) ?? 0) <= (parseQuantity(String(limit)) ?? Infinity)) {
        continue;
      }
      problems.push({
        code: ProblemCode.InvalidParameter,
        template,
        message: `template ${template} requests ${String(request)} of ${name} for container ${String(container.name)}, above its limit ${String(limit)}; set the template's ${name} request and limit parameters so that the request is at most the limit`,
      });
    }
  }
}
