import type { JsonObject } from '../templates/types.js';
import { isObject, objectAt } from './pod.js';

/** Pod Security Standards levels, as in the `pod-security.kubernetes.io/enforce` label. */
export const PodSecurityLevel = { Privileged: 'privileged', Baseline: 'baseline', Restricted: 'restricted' } as const;
export type PodSecurityLevel = (typeof PodSecurityLevel)[keyof typeof PodSecurityLevel];

/** Namespace label that makes the API server enforce a Pod Security level. */
export const ENFORCE_LABEL = 'pod-security.kubernetes.io/enforce';

// Capabilities the baseline level allows to add (Pod Security Standards, Kubernetes 1.34).
const BASELINE_CAPABILITIES = new Set([
  'AUDIT_WRITE', 'CHOWN', 'DAC_OVERRIDE', 'FOWNER', 'FSETID', 'KILL', 'MKNOD',
  'NET_BIND_SERVICE', 'SETFCAP', 'SETGID', 'SETPCAP', 'SETUID', 'SYS_CHROOT',
]);
const BASELINE_SELINUX_TYPES = new Set(['', 'container_t', 'container_init_t', 'container_kvm_t', 'container_engine_t']);
const RESTRICTED_VOLUME_SOURCES = new Set([
  'configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'persistentVolumeClaim', 'projected', 'secret',
]);

/** Reads a level name, or undefined for anything that is not one. */
export function parseLevel(value: unknown): PodSecurityLevel | undefined {
  return value === 'privileged' || value === 'baseline' || value === 'restricted' ? value : undefined;
}

function baselineViolations(container: JsonObject, pod: JsonObject): string[] {
  const context = objectAt(container, 'securityContext');
  const found: string[] = [];
  if (context.privileged === true) {
    found.push('privileged is true');
  }
  const added = objectAt(context, 'capabilities').add;
  for (const capability of Array.isArray(added) ? added : []) {
    if (!BASELINE_CAPABILITIES.has(String(capability))) {
      found.push(`capability ${String(capability)} is added`);
    }
  }
  const ports = Array.isArray(container.ports) ? container.ports.filter(isObject) : [];
  if (ports.some((port) => Number(port.hostPort ?? 0) !== 0)) {
    found.push('hostPort is set');
  }
  const seLinux = objectAt(context, 'seLinuxOptions');
  if (!BASELINE_SELINUX_TYPES.has(String(seLinux.type ?? '')) || seLinux.user !== undefined || seLinux.role !== undefined) {
    found.push('seLinuxOptions sets a custom type, user or role');
  }
  if (context.procMount !== undefined && context.procMount !== 'Default') {
    found.push(`procMount is ${String(context.procMount)}`);
  }
  for (const field of ['seccompProfile', 'appArmorProfile'] as const) {
    const type = objectAt(context, field).type ?? objectAt(objectAt(pod, 'securityContext'), field).type;
    if (type === 'Unconfined') {
      found.push(`${field}.type is Unconfined`);
    }
  }
  return found;
}

function restrictedViolations(container: JsonObject, pod: JsonObject): string[] {
  const context = objectAt(container, 'securityContext');
  const podContext = objectAt(pod, 'securityContext');
  const found: string[] = [];
  if (context.allowPrivilegeEscalation !== false) {
    found.push('allowPrivilegeEscalation is not false');
  }
  const runAsNonRoot = context.runAsNonRoot ?? podContext.runAsNonRoot;
  if (runAsNonRoot !== true) {
    found.push('runAsNonRoot is not true');
  }
  if ((context.runAsUser ?? podContext.runAsUser) === 0) {
    found.push('runAsUser is 0');
  }
  const seccomp = objectAt(context, 'seccompProfile').type ?? objectAt(podContext, 'seccompProfile').type;
  if (seccomp !== 'RuntimeDefault' && seccomp !== 'Localhost') {
    found.push('seccompProfile.type is not RuntimeDefault or Localhost');
  }
  const capabilities = objectAt(context, 'capabilities');
  const dropped = Array.isArray(capabilities.drop) ? capabilities.drop.map(String) : [];
  if (!dropped.includes('ALL')) {
    found.push('capabilities.drop does not contain ALL');
  }
  const added = Array.isArray(capabilities.add) ? capabilities.add.map(String) : [];
  for (const capability of added.filter((name) => name !== 'NET_BIND_SERVICE')) {
    found.push(`capability ${capability} is added`);
  }
  return found;
}

/**
 * Lists how a container breaks a Pod Security Standards level, read together
 * with the Pod's securityContext as the API server's PodSecurity admission
 * reads it. Returns [] when the container meets the level.
 */
export function containerViolations(container: JsonObject, pod: JsonObject, level: PodSecurityLevel): string[] {
  if (level === 'privileged') {
    return [];
  }
  const baseline = baselineViolations(container, pod);
  return level === 'baseline' ? baseline : [...new Set([...baseline, ...restrictedViolations(container, pod)])];
}

/** Lists how a volume breaks a level: hostPath from baseline, non-ephemeral sources from restricted. */
export function volumeViolations(volume: JsonObject, level: PodSecurityLevel): string[] {
  const sources = Object.keys(volume).filter((key) => key !== 'name');
  if (level !== 'privileged' && sources.includes('hostPath')) {
    return ['uses a hostPath volume'];
  }
  if (level === 'restricted') {
    return sources.filter((source) => !RESTRICTED_VOLUME_SOURCES.has(source)).map((source) => `uses a ${source} volume`);
  }
  return [];
}
