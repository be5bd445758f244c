import { Decision, injectPod, type InjectionContext } from './admission/inject-pod.js';
import type { AddOperation } from './injection/patch.js';
import type { ParameterOrigin } from './injection/resolve.js';
import { formatParameterValue } from './templates/parameters.js';
import type { JsonObject } from './templates/types.js';
import type { RuleEvaluation } from './policy/evaluate.js';

/** One parameter's value and its origin. */
export interface ParameterExplanation {
  readonly name: string;
  readonly value: string;
  /** `default`, `annotation <key>` or `rule <name>`. */
  readonly from: string;
}

/** A chosen template, the reason it was chosen, and its parameter values. */
export interface TemplateExplanation {
  readonly name: string;
  readonly hash: string;
  /** `annotation` or `rule <name>`. */
  readonly requestedBy: string;
  readonly parameters: readonly ParameterExplanation[];
}

/** Everything the injector decided for one Pod, and the patch it would send. */
export interface Explanation {
  readonly namespace: string;
  readonly decision: Decision;
  readonly sidecarMode: 'native' | 'classic';
  readonly rules: readonly RuleEvaluation[];
  readonly templates: readonly TemplateExplanation[];
  readonly optedOut: readonly string[];
  readonly skipped: readonly { readonly template: string; readonly reason: string }[];
  readonly problems: readonly { readonly code: string; readonly message: string }[];
  readonly warnings: readonly string[];
  readonly patch: readonly AddOperation[];
}

function describeOrigin(origin: ParameterOrigin | undefined): string {
  if (origin?.kind === 'annotation') {
    return `annotation ${origin.annotation}`;
  }
  return origin?.kind === 'rule' ? `rule ${origin.rule}` : 'default';
}

/**
 * Explains the injection of one Pod: which rules matched and why others did
 * not, which templates were chosen, skipped or opted out of, where each
 * parameter value came from, and the resulting patch. It runs the same code
 * as the webhook, so the explanation cannot drift from the real decision.
 */
export function explainPod(pod: JsonObject, namespace: string, context: InjectionContext): Explanation {
  const result = injectPod(pod, context, namespace);
  return {
    namespace,
    decision: result.decision,
    sidecarMode: result.nativeSidecars ? 'native' : 'classic',
    rules: result.policy?.rules ?? [],
    templates: result.templates.map((resolved) => ({
      name: resolved.template.name,
      hash: resolved.template.hash,
      requestedBy: resolved.request.source === 'annotation' ? 'annotation' : `rule ${resolved.request.source}`,
      parameters: [...resolved.parameters].map(([name, value]) => ({
        name,
        value: formatParameterValue(value),
        from: describeOrigin(resolved.origins.get(name)),
      })),
    })),
    optedOut: result.policy?.optedOut ?? [],
    skipped: result.skipped.map(({ template, reason }) => ({ template, reason })),
    problems: result.problems.map(({ code, message }) => ({ code, message })),
    warnings: result.warnings,
    patch: result.patch,
  };
}
