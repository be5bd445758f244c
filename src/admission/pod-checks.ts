import { ProblemCode, type Problem } from '../problems.js';
import type { JsonObject } from '../templates/types.js';
import type { AnnotationKeys } from '../injection/annotations.js';
import { completionReason, isWindowsPod } from '../injection/pod-kind.js';
import { ENFORCE_LABEL, parseLevel, type PodSecurityLevel } from '../injection/pod-security.js';
import { quoteValue, type ResolvedTemplate } from '../injection/resolve.js';

/** Reads the Pod's native-sidecars override, falling back to the installation default. */
export function chooseSidecarMode(annotations: JsonObject, keys: AnnotationKeys, fallback: boolean, problems: Problem[]): boolean {
  const value = annotations[keys.nativeSidecars];
  if (value === undefined) {
    return fallback;
  }
  if (value === 'true' || value === 'false') {
    return value === 'true';
  }
  problems.push({
    code: ProblemCode.InvalidParameter,
    message: `annotation ${keys.nativeSidecars} is ${quoteValue(String(value))}; expected "true" or "false"`,
  });
  return fallback;
}

/** Leaves out templates without Windows support from a Windows Pod, with a warning each. */
export function dropLinuxOnly(pod: JsonObject, templates: readonly ResolvedTemplate[], warnings: string[]): ResolvedTemplate[] {
  if (!isWindowsPod(pod)) {
    return [...templates];
  }
  return templates.filter(({ template }) => {
    if (!template.windows) {
      warnings.push(`template ${template.name} is not injected: the Pod runs on Windows and the template supports Linux only`);
    }
    return template.windows;
  });
}

/** Warns when a Pod that must finish gets classic sidecars, which never exit. */
export function warnAboutCompletion(pod: JsonObject, templates: readonly ResolvedTemplate[], native: boolean, keys: AnnotationKeys, warnings: string[]): void {
  const reason = completionReason(pod);
  if (native || reason === undefined) {
    return;
  }
  for (const { template, containers } of templates) {
    if (containers.length > 0) {
      warnings.push(
        `the Pod is meant to finish (${reason}), but template ${template.name} adds a classic sidecar that never exits, so the Pod will not complete; use native sidecars (Kubernetes 1.29+) with annotation ${keys.nativeSidecars}: "true"`,
      );
    }
  }
}

/** Returns the Pod Security level a namespace enforces, from its labels, when known. */
export function enforcedLevel(
  namespace: string,
  labels: Readonly<Record<string, string>> | undefined,
): { namespace: string; level: PodSecurityLevel } | undefined {
  const level = parseLevel(labels?.[ENFORCE_LABEL]);
  return level === undefined ? undefined : { namespace, level };
}

function isListOrAbsent(value: unknown): boolean {
  return value === undefined || value === null || Array.isArray(value);
}

/**
 * Checks the parts of a Pod the patch writes into. The API server decodes a
 * Pod before admission but validates it only afterwards, so a webhook can
 * receive a Pod without containers, or with a list field set to an object. A
 * patch would then fail to apply or replace what the user wrote.
 */
export function checkPodShape(pod: JsonObject): Problem[] {
  const invalid = (message: string): Problem => ({ code: ProblemCode.InvalidPod, message: `${message}; fix the Pod's manifest` });
  const spec = pod.spec;
  if (spec === null || typeof spec !== 'object' || Array.isArray(spec)) {
    return [invalid('the Pod has no spec object')];
  }
  const fields = spec as JsonObject;
  const containers = fields.containers;
  if (!Array.isArray(containers) || containers.length === 0 || !containers.every((c) => c !== null && typeof c === 'object' && !Array.isArray(c))) {
    return [invalid('spec.containers must be a non-empty list of containers')];
  }
  const problems: Problem[] = [];
  for (const field of ['initContainers', 'ephemeralContainers', 'volumes']) {
    if (!isListOrAbsent(fields[field])) {
      problems.push(invalid(`spec.${field} must be a list`));
    }
  }
  (containers as JsonObject[]).forEach((container, index) => {
    for (const field of ['volumeMounts', 'env', 'ports']) {
      if (!isListOrAbsent(container[field])) {
        problems.push(invalid(`spec.containers[${index}].${field} must be a list`));
      }
    }
  });
  const metadata = pod.metadata;
  const annotations = metadata !== null && typeof metadata === 'object' ? (metadata as JsonObject).annotations : undefined;
  if (annotations !== undefined && annotations !== null && (typeof annotations !== 'object' || Array.isArray(annotations))) {
    problems.push(invalid('metadata.annotations must be a map'));
  }
  return problems;
}
