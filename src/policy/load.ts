import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { Ajv } from 'ajv';
import type { JsonObject, TemplateSet } from '../templates/types.js';
import { checkSchema, contentHash, FileLoadError, openYamlFile, type FileError, type Report } from '../yaml-file.js';
import { policyFileSchema } from './schema.js';
import type { PolicyRule, PolicySet, RuleParameterValue } from './types.js';

/** Raised when policy files are invalid; lists every problem found. */
export class PolicyLoadError extends FileLoadError {
  override readonly code = 'PolicyLoadError';

  constructor(errors: readonly FileError[]) {
    super(errors);
    this.name = 'PolicyLoadError';
  }
}

const ajv = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true });
const validateFile = ajv.compile(policyFileSchema);

function toParameters(value: unknown): Map<string, Map<string, RuleParameterValue>> {
  const byTemplate = new Map<string, Map<string, RuleParameterValue>>();
  for (const [template, parameters] of Object.entries((value ?? {}) as Record<string, JsonObject>)) {
    const values = new Map<string, RuleParameterValue>();
    for (const [name, setting] of Object.entries(parameters)) {
      const isObject = setting !== null && typeof setting === 'object';
      const raw = isObject ? (setting as JsonObject).value : setting;
      values.set(name, { value: String(raw), locked: isObject && (setting as JsonObject).locked === true });
    }
    byTemplate.set(template, values);
  }
  return byTemplate;
}

function toRule(file: string, rule: JsonObject): PolicyRule {
  const list = (field: string) => (rule[field] ?? []) as string[];
  return {
    name: String(rule.name),
    source: file,
    match: (rule.match ?? {}) as PolicyRule['match'],
    default: list('default'),
    required: list('required'),
    ...(rule.allowed !== undefined ? { allowed: list('allowed') } : {}),
    forbidden: list('forbidden'),
    parameters: toParameters(rule.parameters),
  };
}

/**
 * Checks that a rule names only known templates and parameters, and that its
 * parameter values fit their types, so a typo fails at load instead of
 * silently matching nothing.
 */
function checkRule(rule: PolicyRule, index: number, templates: TemplateSet, report: Report): void {
  const at = ['spec', 'rules', index];
  for (const field of ['default', 'required', 'allowed', 'forbidden'] as const) {
    (rule[field] ?? []).forEach((name, position) => {
      if (!templates.has(name)) {
        report(`rule ${rule.name} names unknown template "${name}" in ${field}; known templates: ${[...templates.keys()].join(', ')}`, [...at, field, position]);
      }
    });
  }
  for (const [templateName, values] of rule.parameters) {
    const template = templates.get(templateName);
    if (!template) {
      report(`rule ${rule.name} sets parameters of unknown template "${templateName}"`, [...at, 'parameters', templateName]);
      continue;
    }
    for (const name of values.keys()) {
      if (!template.parameters.some((parameter) => parameter.name === name)) {
        report(`rule ${rule.name} sets unknown parameter "${name}" of template ${templateName}; its parameters are: ${template.parameters.map((p) => p.name).join(', ')}`, [...at, 'parameters', templateName, name]);
      }
    }
  }
}

/** Parses and validates one policy file against the templates it refers to. */
export function parsePolicyFile(file: string, text: string, templates: TemplateSet): { rules: PolicyRule[]; errors: FileError[] } {
  const { doc, errors, report } = openYamlFile(file, text, 'SidecarPolicy');
  if (!doc) {
    return { rules: [], errors };
  }
  const value = doc.toJS() as JsonObject;
  if (!checkSchema(doc, value, validateFile, report, 'policy')) {
    return { rules: [], errors };
  }
  const rules = ((value.spec as JsonObject).rules as JsonObject[]).map((rule) => toRule(file, rule));
  rules.forEach((rule, index) => checkRule(rule, index, templates, report));
  return { rules: errors.length > 0 ? [] : rules, errors };
}

/**
 * Loads every `*.yaml` and `*.yml` file of a directory as a policy, in file
 * name order. Throws a PolicyLoadError listing every problem, including two
 * rules with the same name. An empty directory gives a policy with no rules.
 */
export async function loadPolicies(directory: string, templates: TemplateSet): Promise<PolicySet> {
  const entries = await readdir(directory);
  const files = entries.filter((name) => /\.ya?ml$/.test(name) && !name.startsWith('.')).sort();
  const rules: PolicyRule[] = [];
  const errors: FileError[] = [];

  for (const name of files) {
    const file = path.join(directory, name);
    const parsed = parsePolicyFile(file, await readFile(file, 'utf8'), templates);
    errors.push(...parsed.errors);
    for (const rule of parsed.rules) {
      const previous = rules.find((other) => other.name === rule.name);
      if (previous) {
        errors.push({ file, line: 1, column: 1, message: `rule ${rule.name} is also declared in ${previous.source}` });
      }
      rules.push(rule);
    }
  }
  if (errors.length > 0) {
    throw new PolicyLoadError(errors);
  }
  const described = rules.map((rule) => ({ ...rule, parameters: Object.fromEntries([...rule.parameters].map(([t, v]) => [t, Object.fromEntries(v)])) }));
  return { rules, hash: contentHash(described) };
}
