import { ProblemCode, type Problem } from '../problems.js';
import type { JsonObject, TemplateSet } from '../templates/types.js';
import { readTemplateList, type AnnotationKeys } from '../injection/annotations.js';
import { planInjection } from '../injection/inject.js';
import type { AddOperation } from '../injection/patch.js';
import { objectAt } from '../injection/pod.js';
import { resolveTemplates, type ResolvedTemplate, type TemplateRequest } from '../injection/resolve.js';
import { isInjected } from '../injection/status.js';
import { completionReason, isWindowsPod } from '../injection/pod-kind.js';
import { ENFORCE_LABEL, parseLevel, type PodSecurityLevel } from '../injection/pod-security.js';

/** Everything one injection needs besides the Pod. Built once, shared by requests. */
export interface InjectionContext {
  readonly templates: TemplateSet;
  readonly keys: AnnotationKeys;
  /** Installation default for native sidecars, decided off the request path. */
  readonly nativeSidecars: boolean;
  /** Labels of a namespace from an in-memory cache, or undefined when unknown. */
  readonly namespaceLabels?: (namespace: string) => Readonly<Record<string, string>> | undefined;
}

/** Why a Pod was left as it was, or what happened to it. */
export const Decision = {
  Injected: 'injected',
  Denied: 'denied',
  AlreadyInjected: 'already-injected',
  NotRequested: 'not-requested',
  Skipped: 'skipped',
} as const;
export type Decision = (typeof Decision)[keyof typeof Decision];

/** The outcome of injecting into one Pod, whether it came from a review or a file. */
export interface PodInjection {
  readonly decision: Decision;
  readonly patch: AddOperation[];
  readonly problems: Problem[];
  readonly warnings: string[];
  readonly templates: readonly ResolvedTemplate[];
  readonly nativeSidecars: boolean;
}

function requestedTemplates(annotations: JsonObject, keys: AnnotationKeys): TemplateRequest[] {
  const seen = new Set<string>();
  const requests: TemplateRequest[] = [];
  for (const name of readTemplateList(annotations[keys.inject])) {
    if (!seen.has(name)) {
      seen.add(name);
      requests.push({ name, source: 'annotation' });
    }
  }
  return requests;
}

/** Reads the Pod's native-sidecars override, falling back to the installation default. */
function chooseSidecarMode(annotations: JsonObject, context: InjectionContext, problems: Problem[]): boolean {
  const value = annotations[context.keys.nativeSidecars];
  if (value === undefined) {
    return context.nativeSidecars;
  }
  if (value === 'true' || value === 'false') {
    return value === 'true';
  }
  problems.push({
    code: ProblemCode.InvalidParameter,
    message: `annotation ${context.keys.nativeSidecars} is ${JSON.stringify(value)}; expected "true" or "false"`,
  });
  return context.nativeSidecars;
}

function outcome(decision: Decision, fields: Partial<PodInjection> = {}): PodInjection {
  return { decision, patch: [], problems: [], warnings: [], templates: [], nativeSidecars: false, ...fields };
}

/** Leaves out templates without Windows support from a Windows Pod, with a warning each. */
function dropLinuxOnly(pod: JsonObject, templates: readonly ResolvedTemplate[], warnings: string[]): ResolvedTemplate[] {
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
function warnAboutCompletion(pod: JsonObject, templates: readonly ResolvedTemplate[], native: boolean, keys: AnnotationKeys, warnings: string[]): void {
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

function enforcedLevel(context: InjectionContext, namespace: string): { namespace: string; level: PodSecurityLevel } | undefined {
  const level = parseLevel(context.namespaceLabels?.(namespace)?.[ENFORCE_LABEL]);
  return level === undefined ? undefined : { namespace, level };
}

/**
 * Decides what to inject into one Pod and builds the patch: reads the inject
 * annotation, resolves and renders the templates, and plans the patch. Pure:
 * the same Pod, namespace and context always give the same result.
 */
export function injectPod(pod: JsonObject, context: InjectionContext, namespace = ''): PodInjection {
  const annotations = objectAt(objectAt(pod, 'metadata'), 'annotations');
  if (isInjected(annotations, context.keys)) {
    return outcome(Decision.AlreadyInjected);
  }
  const requests = requestedTemplates(annotations, context.keys);
  if (requests.length === 0) {
    return outcome(Decision.NotRequested);
  }

  const resolution = resolveTemplates(requests, annotations, context.templates, context.keys);
  const problems = [...resolution.problems];
  const warnings = [...resolution.warnings];
  const nativeSidecars = chooseSidecarMode(annotations, context, problems);
  if (problems.length > 0) {
    return outcome(Decision.Denied, { problems, warnings, templates: resolution.templates, nativeSidecars });
  }
  const templates = dropLinuxOnly(pod, resolution.templates, warnings);
  if (templates.length === 0) {
    return outcome(Decision.Skipped, { warnings, nativeSidecars });
  }
  warnAboutCompletion(pod, templates, nativeSidecars, context.keys, warnings);

  const podSecurity = enforcedLevel(context, namespace);
  const injection = planInjection(pod, templates, { keys: context.keys, nativeSidecars, ...(podSecurity ? { podSecurity } : {}) });
  warnings.push(...injection.warnings);
  if (injection.problems.length > 0) {
    return outcome(Decision.Denied, { problems: injection.problems, warnings, templates, nativeSidecars });
  }
  return outcome(Decision.Injected, { patch: injection.patch, warnings, templates, nativeSidecars });
}
