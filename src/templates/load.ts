import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { Ajv } from 'ajv';
import { isScalar, visit, type Document } from 'yaml';
import { checkSchema, contentHash, FileLoadError, openYamlFile, type FileError, type Report } from '../yaml-file.js';
import { parseParameterValue } from './parameters.js';
import { placeholderNames, wholePlaceholder } from './placeholders.js';
import { lintTemplate } from './lint.js';
import { templateFileSchema } from './schema.js';
import type { JsonObject, ParameterSpec, SidecarTemplate, TemplateBody, TemplateSet } from './types.js';

/** One problem in a template file, with the 1-based position it was found at. */
export type TemplateFileError = FileError;

/** Raised when template files are invalid; lists every problem found. */
export class TemplateLoadError extends FileLoadError {
  override readonly code = 'TemplateLoadError';

  constructor(errors: readonly FileError[]) {
    super(errors);
    this.name = 'TemplateLoadError';
  }
}

const ajv = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true });
const validateFile = ajv.compile(templateFileSchema);

function checkParameters(parameters: readonly ParameterSpec[], report: Report): void {
  const seen = new Set<string>();
  parameters.forEach((parameter, index) => {
    const at = ['spec', 'parameters', index];
    if (seen.has(parameter.name)) {
      report(`parameter "${parameter.name}" is declared twice`, at);
    }
    seen.add(parameter.name);
    if (parameter.type === 'enum' && !parameter.values) {
      report(`parameter "${parameter.name}" has type enum but no values`, at);
    }
    if (parameter.pattern !== undefined) {
      try {
        new RegExp(parameter.pattern, 'u');
      } catch (error) {
        report(`parameter "${parameter.name}" has an invalid pattern: ${(error as Error).message}`, [...at, 'pattern']);
      }
    }
    if (parameter.default !== undefined) {
      const parsed = parseParameterValue(parameter, String(parameter.default));
      if (!parsed.ok) {
        report(`default of parameter "${parameter.name}" is invalid; expected ${parsed.expected}`, [...at, 'default']);
      }
    }
  });
}

function checkPlaceholders(doc: Document, parameters: readonly ParameterSpec[], report: Report): void {
  const types = new Map(parameters.map((p) => [p.name, p.type]));
  visit(doc.get('spec', true) as never, {
    Scalar(key, node, ancestors) {
      if (typeof node.value !== 'string' || !node.value.includes('{{')) {
        return;
      }
      const offset = node.range?.[0] ?? 0;
      if (key === 'key') {
        report('placeholders are allowed in values only, not in keys', undefined, offset);
        return;
      }
      for (const name of placeholderNames(node.value)) {
        if (!types.has(name)) {
          report(`placeholder {{${name}}} names no declared parameter; declared: ${[...types.keys()].join(', ') || 'none'}`, undefined, offset);
        }
      }
      const whole = wholePlaceholder(node.value);
      const parent = ancestors.at(-1);
      const isSelect = parent !== undefined && isPairWithKey(parent, 'select');
      if (whole !== undefined && types.get(whole) === 'containerNames' && !isSelect) {
        report(`parameter "${whole}" of type containerNames may only be used in appContainers.select`, undefined, offset);
      }
    },
  });
}

function isPairWithKey(node: unknown, key: string): boolean {
  const pair = node as { key?: unknown };
  return isScalar(pair.key) && pair.key.value === key;
}

function checkNames(body: TemplateBody, report: Report): void {
  const containerNames = new Set<string>();
  for (const [field, list] of [['containers', body.containers], ['initContainers', body.initContainers]] as const) {
    list.forEach((container, index) => {
      const name = String(container.name);
      if (containerNames.has(name)) {
        report(`container name "${name}" is used twice in this template`, ['spec', field, index, 'name']);
      }
      containerNames.add(name);
    });
  }
  const volumeNames = new Set(body.volumes.map((volume) => String(volume.name)));
  const checkMounts = (mounts: unknown, at: (string | number)[]) => {
    if (!Array.isArray(mounts)) {
      return;
    }
    mounts.forEach((mount: JsonObject, index) => {
      if (!volumeNames.has(String(mount.name))) {
        report(`volume mount "${String(mount.name)}" names no volume of this template; volumes: ${[...volumeNames].join(', ') || 'none'}`, [...at, index, 'name']);
      }
    });
  };
  body.containers.forEach((c, i) => checkMounts(c.volumeMounts, ['spec', 'containers', i, 'volumeMounts']));
  body.initContainers.forEach((c, i) => checkMounts(c.volumeMounts, ['spec', 'initContainers', i, 'volumeMounts']));
  checkMounts(body.appContainers.volumeMounts, ['spec', 'appContainers', 'volumeMounts']);
}

function toTemplate(file: string, value: JsonObject): SidecarTemplate {
  const metadata = value.metadata as JsonObject;
  const spec = value.spec as JsonObject;
  const app = (spec.appContainers ?? {}) as JsonObject;
  const parameters = ((spec.parameters ?? []) as JsonObject[]).map(
    (p): ParameterSpec => ({ ...(p as unknown as ParameterSpec), required: p.required === true }),
  );
  return {
    name: String(metadata.name),
    description: String(spec.description),
    source: file,
    hash: contentHash(value),
    parameters,
    initContainerPosition: spec.initContainerPosition === 'last' ? 'last' : 'first',
    classicContainerPosition: spec.classicContainerPosition === 'first' ? 'first' : 'last',
    failurePolicy: spec.failurePolicy === 'admit' ? 'admit' : 'deny',
    windows: spec.windows === true,
    body: {
      containers: (spec.containers ?? []) as JsonObject[],
      initContainers: (spec.initContainers ?? []) as JsonObject[],
      volumes: (spec.volumes ?? []) as JsonObject[],
      appContainers: {
        select: app.select ?? '*',
        volumeMounts: (app.volumeMounts ?? []) as JsonObject[],
        env: (app.env ?? []) as JsonObject[],
      },
    },
  };
}

/**
 * Parses and validates one template file. Returns the template, or every
 * problem found with its line and column.
 */
export function parseTemplateFile(
  file: string,
  text: string,
): { template?: SidecarTemplate; errors: TemplateFileError[] } {
  const { doc, errors, report } = openYamlFile(file, text, 'SidecarTemplate');
  if (!doc) {
    return { errors };
  }
  const value = doc.toJS() as unknown;
  if (!checkSchema(doc, value, validateFile, report, 'template')) {
    return { errors };
  }

  const template = toTemplate(file, value as JsonObject);
  checkParameters(template.parameters, report);
  checkPlaceholders(doc, template.parameters, report);
  checkNames(template.body, report);
  for (const finding of lintTemplate(template, (value as { spec: JsonObject }).spec.podSecurity)) {
    report(finding.message, finding.path);
  }
  return errors.length > 0 ? { errors } : { template, errors };
}

/**
 * Loads every `*.yaml` and `*.yml` file in a directory as a template. Throws a
 * TemplateLoadError listing every problem when any file is invalid, when two
 * files declare the same name, or when the directory contains no template.
 */
export async function loadTemplates(directory: string): Promise<TemplateSet> {
  const entries = await readdir(directory);
  const files = entries.filter((name) => /\.ya?ml$/.test(name) && !name.startsWith('.')).sort();
  const templates = new Map<string, SidecarTemplate>();
  const errors: TemplateFileError[] = [];

  for (const name of files) {
    const file = path.join(directory, name);
    const { template, errors: fileErrors } = parseTemplateFile(file, await readFile(file, 'utf8'));
    errors.push(...fileErrors);
    if (!template) {
      continue;
    }
    const previous = templates.get(template.name);
    if (previous) {
      errors.push({ file, line: 1, column: 1, message: `template "${template.name}" is also declared in ${previous.source}` });
    }
    templates.set(template.name, template);
  }
  if (errors.length === 0 && templates.size === 0) {
    errors.push({ file: directory, line: 1, column: 1, message: 'no template files (*.yaml, *.yml) found' });
  }
  if (errors.length > 0) {
    throw new TemplateLoadError(errors);
  }
  return new Map([...templates].sort(([a], [b]) => a.localeCompare(b)));
}
