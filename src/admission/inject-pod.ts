import { formatProblems, ProblemCode, type Problem } from '../problems.js';
import type { JsonObject, TemplateSet } from '../templates/types.js';
import { unknownAnnotations, type AnnotationKeys } from '../injection/annotations.js';
import { planInjection } from '../injection/inject.js';
import type { AddOperation } from '../injection/patch.js';
import { objectAt } from '../injection/pod.js';
import { resolveTemplates, type ResolvedTemplate } from '../injection/resolve.js';
import { isInjected } from '../injection/status.js';
import { evaluatePolicy, type PolicyDecision } from '../policy/evaluate.js';
import { EMPTY_POLICY, type PolicySet } from '../policy/types.js';
import { checkPodShape, chooseSidecarMode, dropLinuxOnly, enforcedLevel, warnAboutCompletion } from './pod-checks.js';

/** Everything one injection needs besides the Pod. Built once, shared by requests. */
export interface InjectionContext {
  readonly templates: TemplateSet;
  readonly keys: AnnotationKeys;
  /** Installation default for native sidecars, decided off the request path. */
  readonly nativeSidecars: boolean;
  /** Platform rules; none when absent. */
  readonly policy?: PolicySet;
  /** Labels of a namespace from an in-memory cache, or undefined when unknown. */
  readonly namespaceLabels?: (namespace: string) => Readonly<Record<string, string>> | undefined;
}

/** Outcome of one Pod: injected, denied, or left unchanged and the reason. */
export const Decision = {
  Injected: 'injected',
  Denied: 'denied',
  AlreadyInjected: 'already-injected',
  NotRequested: 'not-requested',
  Skipped: 'skipped',
} as const;
export type Decision = (typeof Decision)[keyof typeof Decision];

/** A template left out under its `admit` failure policy, and why. */
export interface SkippedTemplate {
  readonly template: string;
  /** Code of the first problem, for metrics. */
  readonly code: ProblemCode;
  readonly reason: string;
}

/** The outcome of injecting into one Pod, whether it came from a review or a file. */
export interface PodInjection {
  readonly decision: Decision;
  readonly patch: AddOperation[];
  readonly problems: Problem[];
  readonly warnings: string[];
  readonly templates: readonly ResolvedTemplate[];
  readonly skipped: readonly SkippedTemplate[];
  readonly nativeSidecars: boolean;
  readonly policy?: PolicyDecision;
}

function outcome(decision: Decision, fields: Partial<PodInjection> = {}): PodInjection {
  return { decision, patch: [], problems: [], warnings: [], templates: [], skipped: [], nativeSidecars: false, ...fields };
}

/**
 * Problems the Pod's author did not cause by an annotation: conflicts with the
 * Pod, its namespace's Pod Security level, or a required parameter no rule set.
 */
const ADMITTABLE: ReadonlySet<string> = new Set([
  ProblemCode.NameConflict,
  ProblemCode.VolumeConflict,
  ProblemCode.MountConflict,
  ProblemCode.PortConflict,
  ProblemCode.TemplateConflict,
  ProblemCode.PodSecurity,
  ProblemCode.MissingParameter,
]);

/**
 * Separates problems of templates that a rule added and whose failure policy
 * is `admit`: those templates are left out with a warning instead of denying
 * the Pod. A template the Pod requested itself, and any problem caused by the
 * Pod's annotations (an invalid value, a locked parameter, a forbidden
 * opt-out), still denies, since the Pod's author can fix it.
 */
function skipAdmittable(
  problems: readonly Problem[],
  templates: TemplateSet,
  sources: ReadonlyMap<string, string>,
  skipped: SkippedTemplate[],
  warnings: string[],
): Problem[] {
  const isAdmittable = (name: string | undefined) =>
    name !== undefined && sources.get(name) !== 'annotation' && templates.get(name)?.failurePolicy === 'admit';
  const byAnnotation = new Set(problems.filter((problem) => !ADMITTABLE.has(problem.code)).map((problem) => problem.template));
  const skippable = (problem: Problem) => isAdmittable(problem.template) && !byAnnotation.has(problem.template);
  for (const name of new Set(problems.filter(skippable).map((problem) => problem.template))) {
    const own = problems.filter((problem) => problem.template === name);
    const reason = formatProblems(own);
    skipped.push({ template: name!, code: own[0]!.code, reason });
    warnings.push(`template ${name} (added by rule ${sources.get(name!)}) is not injected: ${reason}`);
  }
  return problems.filter((problem) => !skippable(problem));
}

/**
 * Decides what to inject into one Pod and builds the patch: applies the
 * platform rules and the Pod's annotations, resolves and renders the
 * templates, and plans the patch. Pure: the same Pod, namespace and context
 * always give the same result.
 */
export function injectPod(pod: JsonObject, context: InjectionContext, namespace = ''): PodInjection {
  const annotations = objectAt(objectAt(pod, 'metadata'), 'annotations');
  if (isInjected(annotations, context.keys)) {
    return outcome(Decision.AlreadyInjected, { nativeSidecars: context.nativeSidecars });
  }
  const labels = context.namespaceLabels?.(namespace);
  const policy = evaluatePolicy(pod, { namespace, namespaceLabels: labels }, context.policy ?? EMPTY_POLICY, context.keys);
  const warnings = [...policy.warnings];
  for (const key of unknownAnnotations(context.keys, annotations)) {
    warnings.push(`annotation ${key} is not known and is ignored; under ${context.keys.prefix}/ the injector reads inject, native-sidecars and <template>.<parameter>`);
  }
  if (policy.requests.length === 0 && policy.problems.length === 0) {
    return outcome(Decision.NotRequested, { warnings, policy, nativeSidecars: context.nativeSidecars });
  }

  const shapeProblems = checkPodShape(pod);
  if (shapeProblems.length > 0) {
    return outcome(Decision.Denied, { problems: shapeProblems, warnings, policy, nativeSidecars: context.nativeSidecars });
  }

  const sources = new Map(policy.requests.map((request) => [request.name, request.source]));
  const skipped: SkippedTemplate[] = [];
  const resolution = resolveTemplates(policy.requests, annotations, context.templates, context.keys);
  warnings.push(...resolution.warnings);
  const nativeSidecars = chooseSidecarMode(annotations, context.keys, context.nativeSidecars, policy.problems);
  const problems = skipAdmittable([...policy.problems, ...resolution.problems], context.templates, sources, skipped, warnings);
  const base = { warnings, skipped, nativeSidecars, policy };
  if (problems.length > 0) {
    return outcome(Decision.Denied, { ...base, problems, templates: resolution.templates });
  }

  let templates = dropLinuxOnly(pod, resolution.templates, warnings).filter(({ template }) => !skipped.some((s) => s.template === template.name));
  warnAboutCompletion(pod, templates, nativeSidecars, context.keys, warnings);
  const podSecurity = enforcedLevel(namespace, labels);
  for (;;) {
    if (templates.length === 0) {
      return outcome(Decision.Skipped, base);
    }
    const injection = planInjection(pod, templates, { keys: context.keys, nativeSidecars, ...(podSecurity ? { podSecurity } : {}) });
    const remaining = skipAdmittable(injection.problems, context.templates, sources, skipped, warnings);
    if (remaining.length > 0) {
      warnings.push(...injection.warnings);
      return outcome(Decision.Denied, { ...base, problems: remaining, templates });
    }
    if (injection.problems.length === 0) {
      warnings.push(...injection.warnings);
      return outcome(Decision.Injected, { ...base, patch: injection.patch, templates });
    }
    // Plan again without the templates just left out under their admit policy.
    templates = templates.filter(({ template }) => !skipped.some((s) => s.template === template.name));
  }
}
