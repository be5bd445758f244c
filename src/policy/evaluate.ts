import { ProblemCode, type Problem } from '../problems.js';
import type { JsonObject } from '../templates/types.js';
import { readTemplateList, type AnnotationKeys } from '../injection/annotations.js';
import { objectAt, stringAt } from '../injection/pod.js';
import type { RuleParameter, TemplateRequest } from '../injection/resolve.js';
import { formatSelector, matchesSelector } from './selector.js';
import type { PolicyRule, PolicySet } from './types.js';

/** Label the API server sets on every Namespace to its own name (Kubernetes 1.21+). */
export const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';

/** Whether one rule applied to the Pod, and why not when it did not. */
export interface RuleEvaluation {
  readonly rule: string;
  readonly source: string;
  readonly matched: boolean;
  readonly reason: string;
}

/** The templates to inject and why, after rules and the Pod's own annotation. */
export interface PolicyDecision {
  readonly requests: TemplateRequest[];
  readonly rules: RuleEvaluation[];
  /** Default templates the Pod opted out of. */
  readonly optedOut: string[];
  readonly problems: Problem[];
  readonly warnings: string[];
}

/** Namespace facts that rules read besides the Pod itself. */
export interface PodFacts {
  readonly namespace: string;
  /** Labels of the namespace from the cache, or undefined when not known. */
  readonly namespaceLabels: Readonly<Record<string, string>> | undefined;
}

function mismatch(rule: PolicyRule, pod: JsonObject, namespace: string, namespaceLabels: Readonly<Record<string, string>>): string | undefined {
  const { match } = rule;
  if (match.namespaces && !match.namespaces.includes(namespace)) {
    return `namespace ${namespace} is not one of ${match.namespaces.join(', ')}`;
  }
  if (match.namespaceSelector && !matchesSelector(match.namespaceSelector, namespaceLabels)) {
    return `namespace labels do not match ${formatSelector(match.namespaceSelector)}`;
  }
  const labels = objectAt(objectAt(pod, 'metadata'), 'labels') as Record<string, string>;
  if (match.podSelector && !matchesSelector(match.podSelector, labels)) {
    return `Pod labels do not match ${formatSelector(match.podSelector)}`;
  }
  const serviceAccount = stringAt(objectAt(pod, 'spec'), 'serviceAccountName') ?? 'default';
  if (match.serviceAccounts && !match.serviceAccounts.includes(serviceAccount)) {
    return `service account ${serviceAccount} is not one of ${match.serviceAccounts.join(', ')}`;
  }
  return undefined;
}

/**
 * Merges the parameter values of the matched rules for one template. Earlier
 * rules take precedence, except that a locked value beats an unlocked one.
 */
function ruleParameters(template: string, rules: readonly PolicyRule[]): Map<string, RuleParameter> {
  const merged = new Map<string, RuleParameter>();
  for (const rule of rules) {
    for (const [name, setting] of rule.parameters.get(template) ?? []) {
      const existing = merged.get(name);
      if (!existing || (setting.locked && !existing.locked)) {
        merged.set(name, { rule: rule.name, value: setting.value, locked: setting.locked });
      }
    }
  }
  return merged;
}

function checkPermission(name: string, rules: readonly PolicyRule[], keys: AnnotationKeys, problems: Problem[]): void {
  for (const rule of rules) {
    if (rule.default.includes(name) || rule.required.includes(name)) {
      continue;
    }
    if (rule.forbidden.includes(name)) {
      problems.push({ code: ProblemCode.PolicyViolation, template: name, message: `template ${name} is forbidden for this Pod by rule ${rule.name}; remove it from ${keys.inject}` });
    } else if (rule.allowed && !rule.allowed.includes(name)) {
      problems.push({ code: ProblemCode.PolicyViolation, template: name, message: `template ${name} is not allowed for this Pod by rule ${rule.name}, which allows only: ${rule.allowed.join(', ') || 'none'}; remove it from ${keys.inject}` });
    }
  }
}

/**
 * Decides which templates a Pod gets: templates that matched rules require or
 * add by default come first, in rule order, then those the Pod's inject
 * annotation names, in its order. `-name` in the annotation opts out of a
 * default template. Opting out of a required one is denied, and so is
 * requesting a template that a matched rule forbids or does not allow.
 */
export function evaluatePolicy(pod: JsonObject, facts: PodFacts, policy: PolicySet, keys: AnnotationKeys): PolicyDecision {
  const problems: Problem[] = [];
  const warnings: string[] = [];
  const labels = { ...(facts.namespaceLabels ?? {}), [NAMESPACE_NAME_LABEL]: facts.namespace };
  if (facts.namespaceLabels === undefined && policy.rules.some((rule) => rule.match.namespaceSelector)) {
    warnings.push(`labels of namespace ${facts.namespace} are not known yet, so namespaceSelector rules saw only ${NAMESPACE_NAME_LABEL}`);
  }

  const evaluations = policy.rules.map((rule): RuleEvaluation => {
    const reason = mismatch(rule, pod, facts.namespace, labels);
    return { rule: rule.name, source: rule.source, matched: reason === undefined, reason: reason ?? 'matched' };
  });
  const matched = policy.rules.filter((_rule, index) => evaluations[index]!.matched);

  const entries = readTemplateList(objectAt(objectAt(pod, 'metadata'), 'annotations')[keys.inject]);
  const optOuts = new Set(entries.filter((entry) => entry.startsWith('-')).map((entry) => entry.slice(1)));
  const asked = entries.filter((entry) => !entry.startsWith('-'));

  const requests = new Map<string, TemplateRequest>();
  const optedOut: string[] = [];
  for (const rule of matched) {
    for (const name of [...rule.required, ...rule.default]) {
      const isRequired = rule.required.includes(name);
      if (optOuts.has(name) && isRequired) {
        problems.push({ code: ProblemCode.PolicyViolation, template: name, message: `rule ${rule.name} requires template ${name}, so the opt-out -${name} in ${keys.inject} is not allowed; remove it` });
      } else if (optOuts.has(name)) {
        optedOut.push(name);
      } else if (!requests.has(name) && !asked.includes(name)) {
        requests.set(name, { name, source: rule.name, ruleParameters: ruleParameters(name, matched) });
      }
    }
  }
  for (const name of asked) {
    checkPermission(name, matched, keys, problems);
    if (!requests.has(name)) {
      requests.set(name, { name, source: 'annotation', ruleParameters: ruleParameters(name, matched) });
    }
  }
  for (const name of optOuts) {
    if (!matched.some((rule) => rule.default.includes(name) || rule.required.includes(name))) {
      warnings.push(`opt-out -${name} in ${keys.inject} has no effect: no rule adds template ${name} to this Pod`);
    }
  }
  return { requests: [...requests.values()], rules: evaluations, optedOut: [...new Set(optedOut)], problems, warnings };
}
