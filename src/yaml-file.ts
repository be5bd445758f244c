import { createHash } from 'node:crypto';
import type { ValidateFunction } from 'ajv';
import { LineCounter, parseAllDocuments, isMap, isScalar, type Document } from 'yaml';

/** One problem in a configuration file, with the 1-based position it was found at. */
export interface FileError {
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly message: string;
}

/** Raised when configuration files are invalid; lists every problem found. */
export class FileLoadError extends Error {
  readonly code: string = 'FileLoadError';
  readonly errors: readonly FileError[];

  constructor(errors: readonly FileError[]) {
    super(errors.map((e) => `${e.file}:${e.line}:${e.column}: ${e.message}`).join('\n'));
    this.name = 'FileLoadError';
    this.errors = errors;
  }
}

/** Records a problem at a YAML path, or at an explicit offset into the file. */
export type Report = (message: string, yamlPath?: readonly (string | number)[], offset?: number) => void;

/** A parsed single-document YAML file and a way to report problems with positions. */
export interface YamlFile {
  readonly doc?: Document;
  readonly errors: FileError[];
  readonly report: Report;
}

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

/**
 * Parses a file that must hold exactly one YAML document. Syntax errors and
 * extra documents are reported with their positions; `doc` is set only when
 * the document parsed cleanly.
 */
export function openYamlFile(file: string, text: string, kind: string): YamlFile {
  const lineCounter = new LineCounter();
  const errors: FileError[] = [];
  const documents = parseAllDocuments(text, { lineCounter, prettyErrors: false });
  const list = Array.isArray(documents) ? documents : [];
  const first = list[0];
  const report: Report = (message, yamlPath, offset) => {
    const at = offset ?? (first && yamlPath ? positionOf(first, yamlPath) : 0);
    const { line, col } = lineCounter.linePos(at);
    errors.push({ file, line, column: col, message });
  };

  if (!first) {
    report(`file contains no YAML document; expected one ${kind}`);
    return { errors, report };
  }
  if (list.length > 1) {
    report(`file contains more than one YAML document; put each ${kind} in its own file`, undefined, list[1]!.range[0]);
  }
  for (const error of first.errors) {
    report(`invalid YAML: ${error.message.split('\n')[0]}`, undefined, error.pos[0]);
  }
  return errors.length > 0 ? { errors, report } : { doc: first, errors, report };
}

/** Validates a value with an ajv schema, reporting each error at its YAML position. */
export function checkSchema(doc: Document, value: unknown, validate: ValidateFunction, report: Report, root: string): boolean {
  if (validate(value)) {
    return true;
  }
  for (const error of validate.errors ?? []) {
    const yamlPath = error.instancePath
      .split('/')
      .slice(1)
      .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
      .map((part) => (/^\d+$/.test(part) ? Number(part) : part));
    const where = error.instancePath === '' ? root : error.instancePath.slice(1).replaceAll('/', '.');
    const extraKey = 'additionalProperty' in error.params ? String(error.params.additionalProperty) : undefined;
    const extra = extraKey !== undefined ? ` (${extraKey})` : '';
    const allowed = 'allowedValues' in error.params ? `: ${JSON.stringify(error.params.allowedValues)}` : '';
    const keyOffset = extraKey !== undefined ? keyPosition(doc, yamlPath, extraKey) : undefined;
    report(`${where} ${error.message ?? 'is invalid'}${extra}${allowed}`, yamlPath, keyOffset);
  }
  return false;
}

/** Digest of a value's canonical JSON (sorted keys), so layout and comments do not change it. */
export function contentHash(value: unknown): string {
  const canonical = JSON.stringify(value, (_key, inner: unknown) => {
    if (inner && typeof inner === 'object' && !Array.isArray(inner)) {
      return Object.fromEntries(Object.entries(inner).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    }
    return inner;
  });
  return `sha256:${createHash('sha256').update(canonical).digest('hex')}`;
}
