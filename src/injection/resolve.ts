import { ProblemCode, type Problem } from '../problems.js';
import { parseParameterValue } from '../templates/parameters.js';
import { renderTemplate, type RenderedTemplate } from '../templates/render.js';
import type { ParameterValue, SidecarTemplate, TemplateSet } from '../templates/types.js';
import {
  parameterAnnotation,
  readParameterAnnotations,
  type AnnotationKeys,
  type ParameterAnnotation,
} from './annotations.js';

/** Origin of a parameter's value, for explain output and messages. */
export type ParameterOrigin =
  | { readonly kind: 'default' }
  | { readonly kind: 'annotation'; readonly annotation: string }
  | { readonly kind: 'rule'; readonly rule: string };

/** A parameter value set by a policy rule, optionally locked against annotations. */
export interface RuleParameter {
  readonly rule: string;
  readonly value: string;
  readonly locked: boolean;
}

/** A template to inject and why: named by the inject annotation or by a rule. */
export interface TemplateRequest {
  readonly name: string;
  /** `annotation`, or the name of the rule that added it. */
  readonly source: string;
  /** Parameter values from rules, by parameter name. */
  readonly ruleParameters?: ReadonlyMap<string, RuleParameter>;
}

/** A rendered template with the origin of each parameter value. */
export interface ResolvedTemplate extends RenderedTemplate {
  readonly request: TemplateRequest;
  readonly origins: ReadonlyMap<string, ParameterOrigin>;
}

/** Templates ready to inject, plus everything that stops or qualifies injection. */
export interface Resolution {
  readonly templates: ResolvedTemplate[];
  readonly problems: Problem[];
  readonly warnings: string[];
}

/** Maximum length of a value quoted in a message; the rest is counted, not repeated. */
const QUOTED_VALUE_MAX = 120;

/** Quotes a value for a message, shortened when long. */
export function quoteValue(value: string): string {
  if (value.length <= QUOTED_VALUE_MAX) {
    return JSON.stringify(value);
  }
  return `${JSON.stringify(value.slice(0, QUOTED_VALUE_MAX))}... (${value.length} characters)`;
}

function knownList(names: Iterable<string>): string {
  return [...names].join(', ');
}

function resolveParameters(
  template: SidecarTemplate,
  request: TemplateRequest,
  annotations: readonly ParameterAnnotation[],
  keys: AnnotationKeys,
  problems: Problem[],
): { values: Map<string, ParameterValue>; origins: Map<string, ParameterOrigin> } {
  const values = new Map<string, ParameterValue>();
  const origins = new Map<string, ParameterOrigin>();
  const byName = new Map(annotations.map((annotation) => [annotation.parameter, annotation]));
  const declared = new Set(template.parameters.map((parameter) => parameter.name));
  const fail = (code: ProblemCode, message: string) => problems.push({ code, message, template: template.name });

  for (const annotation of annotations) {
    if (!declared.has(annotation.parameter)) {
      fail(
        ProblemCode.UnknownParameter,
        `annotation ${annotation.key} sets unknown parameter "${annotation.parameter}" of template ${template.name}; its parameters are: ${knownList(declared) || 'none'}`,
      );
    }
  }

  for (const spec of template.parameters) {
    const key = parameterAnnotation(keys, template.name, spec.name);
    const fromAnnotation = byName.get(spec.name);
    const fromRule = request.ruleParameters?.get(spec.name);
    if (fromRule?.locked && fromAnnotation && fromAnnotation.value !== fromRule.value) {
      fail(
        ProblemCode.PolicyViolation,
        `annotation ${key} is ${quoteValue(fromAnnotation.value)}, but rule ${fromRule.rule} locks ${template.name}.${spec.name} to ${quoteValue(fromRule.value)}; remove the annotation`,
      );
      continue;
    }

    let raw: string | undefined;
    let origin: ParameterOrigin;
    if (fromAnnotation && !fromRule?.locked) {
      raw = fromAnnotation.value;
      origin = { kind: 'annotation', annotation: key };
    } else if (fromRule) {
      raw = fromRule.value;
      origin = { kind: 'rule', rule: fromRule.rule };
    } else {
      origin = { kind: 'default' };
    }

    if (raw === undefined) {
      if (spec.default === undefined) {
        if (spec.required) {
          fail(ProblemCode.MissingParameter, `template ${template.name} requires parameter "${spec.name}"; set annotation ${key} (${spec.description})`);
        }
        continue;
      }
      raw = String(spec.default);
    }

    const parsed = parseParameterValue(spec, raw);
    if (!parsed.ok) {
      let source = `default of ${key}`;
      if (origin.kind === 'annotation') {
        source = `annotation ${key}`;
      } else if (origin.kind === 'rule') {
        source = `rule ${origin.rule} value for ${key}`;
      }
      fail(ProblemCode.InvalidParameter, `${source} is ${quoteValue(raw)}; expected ${parsed.expected}`);
      continue;
    }
    values.set(spec.name, parsed.value);
    origins.set(spec.name, origin);
  }
  return { values, origins };
}

/** Entries kept per template set; most Pods share a few parameter combinations. */
const CACHE_ENTRIES = 1000;
const cache = new WeakMap<TemplateSet, Map<string, Resolution>>();

function cacheKey(requests: readonly TemplateRequest[], annotations: readonly ParameterAnnotation[], keys: AnnotationKeys): string {
  return JSON.stringify([
    keys.prefix,
    requests.map(({ name, source, ruleParameters }) => [name, source, ruleParameters ? [...ruleParameters] : []]),
    annotations.map(({ key, value }) => [key, value]),
  ]);
}

/**
 * Looks up the requested templates, resolves their parameters from rules,
 * annotations and defaults, and renders them. Collects every problem of the
 * Pod instead of stopping at the first, so one denial names them all.
 * Results are cached per template set and inputs, because rendering is the
 * largest part of an admission and most Pods repeat the same settings. Callers
 * must treat the result as read-only.
 */
export function resolveTemplates(
  requests: readonly TemplateRequest[],
  annotations: Readonly<Record<string, unknown>>,
  templates: TemplateSet,
  keys: AnnotationKeys,
): Resolution {
  const parameterAnnotations = readParameterAnnotations(keys, annotations);
  const key = cacheKey(requests, parameterAnnotations, keys);
  let entries = cache.get(templates);
  if (!entries) {
    entries = new Map();
    cache.set(templates, entries);
  }
  const cached = entries.get(key);
  if (cached) {
    return cached;
  }
  const resolution = resolveUncached(requests, parameterAnnotations, templates, keys);
  if (entries.size >= CACHE_ENTRIES) {
    entries.delete(entries.keys().next().value!);
  }
  entries.set(key, resolution);
  return resolution;
}

function resolveUncached(
  requests: readonly TemplateRequest[],
  parameterAnnotations: readonly ParameterAnnotation[],
  templates: TemplateSet,
  keys: AnnotationKeys,
): Resolution {
  const problems: Problem[] = [];
  const warnings: string[] = [];
  const resolved: ResolvedTemplate[] = [];
  const requested = new Set(requests.map((request) => request.name));

  for (const annotation of parameterAnnotations) {
    if (!requested.has(annotation.template)) {
      const hint = templates.has(annotation.template) ? 'is not injected into this Pod' : 'is not a known template';
      warnings.push(`annotation ${annotation.key} is ignored: template ${annotation.template} ${hint}`);
    }
  }

  for (const request of requests) {
    const template = templates.get(request.name);
    if (!template) {
      problems.push({
        code: ProblemCode.UnknownTemplate,
        message: `template ${quoteValue(request.name)} requested by ${request.source === 'annotation' ? keys.inject : `rule ${request.source}`} is not known; known templates: ${knownList(templates.keys())}`,
      });
      continue;
    }
    const own = parameterAnnotations.filter((annotation) => annotation.template === request.name);
    const { values, origins } = resolveParameters(template, request, own, keys, problems);
    if (!problems.some((problem) => problem.template === template.name)) {
      resolved.push({ ...renderTemplate(template, values), request, origins });
    }
  }
  return { templates: resolved, problems, warnings };
}
