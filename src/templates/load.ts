import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { Ajv } from 'ajv';
import { LineCounter, parseAllDocuments, isMap, isScalar, visit, type Document } from 'yaml';
import { parseParameterValue } from './parameters.js';
import { placeholderNames, wholePlaceholder } from './placeholders.js';
import { lintTemplate } from './lint.js';
import { templateFileSchema } from './schema.js';
import type { JsonObject, ParameterSpec, SidecarTemplate, TemplateBody, TemplateSet } from './types.js';

/** One problem in a template file, with the 1-based position it was found at. */
export interface TemplateFileError {
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly message: string;
}

/** Raised when template files are invalid; lists every problem found. */
export class TemplateLoadError extends Error {
  readonly code = 'TemplateLoadError';
  readonly errors: readonly TemplateFileError[];

  constructor(errors: readonly TemplateFileError[]) {
    super(errors.map((e) => `${e.file}:${e.line}:${e.column}: ${e.message}`).join('\n'));
    this.name = 'TemplateLoadError';
    this.errors = errors;
  }
}

const ajv = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true });
const validateFile = ajv.compile(templateFileSchema);

type Report = (message: string, yamlPath?: readonly (string | number)[], offset?: number) => void;

function positionOf(doc: Document, yamlPath: readonly (string | number)[]): number {
  for (let length = yamlPath.length; length >= 0; length--) {
    const node = doc.getIn(yamlPath.slice(0, length), true) as { range?: [number, number, number] } | undefined;
    if (node && typeof node === 'object' && node.range) {
      return node.range[0];
    }
  }
  return 0;
}

/** Offset of a key inside the map at `yamlPath`, so an unknown field is reported where it is written. */
function keyPosition(doc: Document, yamlPath: readonly (string | number)[], key: string): number | undefined {
  const map = doc.getIn(yamlPath, true);
  if (!isMap(map)) {
    return undefined;
  }
  const pair = map.items.find((item) => isScalar(item.key) && item.key.value === key);
  return isScalar(pair?.key) ? pair.key.range?.[0] : undefined;
}

function checkSchema(doc: Document, value: unknown, report: Report): boolean {
  if (validateFile(value)) {
    return true;
  }
  for (const error of validateFile.errors ?? []) {
    const yamlPath = error.instancePath
      .split('/')
      .slice(1)
      .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
      .map((part) => (/^\d+$/.test(part) ? Number(part) : part));
    const where = error.instancePath === '' ? 'template' : error.instancePath.slice(1).replaceAll('/', '.');
    const extraKey = 'additionalProperty' in error.params ? String(error.params.additionalProperty) : undefined;
    const extra = extraKey !== undefined ? ` (${extraKey})` : '';
    const allowed = 'allowedValues' in error.params ? `: ${JSON.stringify(error.params.allowedValues)}` : '';
    const keyOffset = extraKey !== undefined ? keyPosition(doc, yamlPath, extraKey) : undefined;
    report(`${where} ${error.message ?? 'is invalid'}${extra}${allowed}`, yamlPath, keyOffset);
  }
  return false;
}

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

/** Sorts object keys so that equal templates hash equally whatever their layout. */
function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, inner: unknown) => {
    if (inner && typeof inner === 'object' && !Array.isArray(inner)) {
      return Object.fromEntries(Object.entries(inner).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    }
    return inner;
  });
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
    hash: `sha256:${createHash('sha256').update(canonicalJson(value)).digest('hex')}`,
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
  const lineCounter = new LineCounter();
  const errors: TemplateFileError[] = [];
  const documents = parseAllDocuments(text, { lineCounter, prettyErrors: false });
  const list = Array.isArray(documents) ? documents : [];
  const doc = list[0];
  const report = (docRef: Document | undefined): Report => (message, yamlPath, offset) => {
    const at = offset ?? (docRef && yamlPath ? positionOf(docRef, yamlPath) : 0);
    const { line, col } = lineCounter.linePos(at);
    errors.push({ file, line, column: col, message });
  };

  if (!doc) {
    report(undefined)('file contains no YAML document; expected one SidecarTemplate');
    return { errors };
  }
  if (list.length > 1) {
    report(list[1])('file contains more than one YAML document; put each template in its own file', [], list[1]!.range[0]);
  }
  for (const error of doc.errors) {
    report(doc)(`invalid YAML: ${error.message.split('\n')[0]}`, undefined, error.pos[0]);
  }
  if (errors.length > 0) {
    return { errors };
  }

  const value = doc.toJS() as unknown;
  if (!checkSchema(doc, value, report(doc))) {
    return { errors };
  }
  const template = toTemplate(file, value as JsonObject);
  checkParameters(template.parameters, report(doc));
  checkPlaceholders(doc, template.parameters, report(doc));
  checkNames(template.body, report(doc));
  for (const finding of lintTemplate(template, (value as { spec: JsonObject }).spec.podSecurity)) {
    report(doc)(finding.message, finding.path);
  }
  if (errors.length > 0) {
    return { errors };
  }
  return { template, errors };
}

/**
 * Loads every `*.yaml` and `*.yml` file in a directory as a template. Throws a
 * TemplateLoadError listing every problem when any file is invalid, when two
 * files declare the same name, or when the directory holds no template.
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
