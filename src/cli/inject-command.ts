import { readFile } from 'node:fs/promises';
import fastJsonPatch from 'fast-json-patch';
import { parseAllDocuments, visit, type Document } from 'yaml';
import { Decision, injectPod, type InjectionContext } from '../admission/inject-pod.js';
import { formatProblems } from '../problems.js';
import { isObject } from '../injection/pod.js';
import type { AddOperation } from '../injection/patch.js';
import type { JsonObject } from '../templates/types.js';
import { findPods, type PodLocation } from './pod-templates.js';
import { applyToDocument, NO_ALIASES } from './yaml-patch.js';

/** Result of injecting into a set of manifests: the output text, or why not. */
export interface InjectResult {
  /** Every document, with Pods and pod templates injected; empty when any was denied. */
  readonly output: string;
  /** One line per denied object: `Kind/name: reason`. */
  readonly errors: string[];
  /** One line per admission warning: `Kind/name: warning`. */
  readonly warnings: string[];
}

/** Reads a file, or stdin when the name is `-`. */
export async function readInput(file: string, stdin: NodeJS.ReadableStream = process.stdin): Promise<string> {
  if (file !== '-') {
    return readFile(file, 'utf8');
  }
  const chunks: Buffer[] = [];
  for await (const chunk of stdin) {
    chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
  }
  return Buffer.concat(chunks).toString('utf8');
}

function hasAliases(doc: Document): boolean {
  let found = false;
  visit(doc, {
    Alias() {
      found = true;
      return visit.BREAK;
    },
  });
  return found;
}

/** Walks to the object at a path of a manifest, such as a workload's pod template. */
function objectAtPath(root: unknown, path: readonly (string | number)[]): JsonObject {
  let current = root;
  for (const key of path) {
    current = (current as Record<string | number, unknown>)[key];
  }
  return current as JsonObject;
}

/**
 * Applies a Pod's patch to the decoded manifest instead of the node tree. Used
 * for documents with YAML aliases, whose shared nodes cannot be edited in one
 * place; the document is then printed from the patched data.
 */
function applyToObject(object: unknown, location: PodLocation, patch: readonly AddOperation[]): void {
  const pod = structuredClone(location.pod);
  const patched = fastJsonPatch.applyPatch(pod, patch as fastJsonPatch.Operation[], true, true).newDocument;
  const target = objectAtPath(object, location.path);
  if (location.path.length === 0) {
    Object.assign(target, patched);
  } else {
    target.metadata = patched.metadata;
    target.spec = patched.spec;
  }
}

function injectDocument(doc: Document, context: InjectionContext, defaultNamespace: string, errors: string[], warnings: string[]): void {
  const object: unknown = doc.toJS();
  const metadata = isObject(object) && isObject(object.metadata) ? object.metadata : {};
  const namespace = typeof metadata.namespace === 'string' ? metadata.namespace : defaultNamespace;
  const editNodes = !hasAliases(doc);
  let changed = false;

  for (const location of findPods(object)) {
    const result = injectPod(location.pod, context, namespace);
    warnings.push(...result.warnings.map((warning) => `${location.owner}: ${warning}`));
    if (result.decision === Decision.Denied) {
      errors.push(`${location.owner}: ${formatProblems(result.problems)}`);
    } else if (result.decision === Decision.Injected && editNodes) {
      applyToDocument(doc, location.path, result.patch);
    } else if (result.decision === Decision.Injected) {
      applyToObject(object, location, result.patch);
      changed = true;
    }
  }
  if (changed) {
    doc.contents = doc.createNode(object, NO_ALIASES) as typeof doc.contents;
    warnings.push(`${describeDocument(object)}: printed without its comments and anchors, because it uses YAML aliases`);
  }
  if (isObject(object) && isObject(metadata.annotations) && context.keys.inject in metadata.annotations && object.kind !== 'Pod') {
    warnings.push(`${describeDocument(object)}: ${context.keys.inject} on the ${String(object.kind)} itself is ignored; put it in the annotations of its pod template`);
  }
}

function describeDocument(object: unknown): string {
  const metadata = isObject(object) && isObject(object.metadata) ? object.metadata : {};
  return `${String(isObject(object) ? object.kind : 'document')}/${String(metadata.name ?? '(unnamed)')}`;
}

/**
 * Injects every Pod and pod template in multi-document YAML exactly as the
 * webhook would, and prints all documents back with comments and layout kept.
 * Documents without Pods pass through unchanged.
 */
export function injectManifests(text: string, context: InjectionContext, source = 'input', defaultNamespace = 'default'): InjectResult {
  const documents = parseAllDocuments(text, { prettyErrors: true });
  const list = Array.isArray(documents) ? documents : [];
  const errors: string[] = [];
  const warnings: string[] = [];

  for (const doc of list) {
    if (doc.errors.length > 0) {
      errors.push(...doc.errors.map((error) => `${source}: invalid YAML: ${error.message}`));
      continue;
    }
    try {
      injectDocument(doc, context, defaultNamespace, errors, warnings);
    } catch (error) {
      // The yaml package refuses documents that expand aliases without bound.
      errors.push(`${source}: cannot read the YAML: ${(error as Error).message}`);
    }
  }
  if (errors.length > 0) {
    return { output: '', errors, warnings };
  }
  const output = list.map((doc) => doc.toString({ lineWidth: 0 })).join('');
  return { output, errors, warnings };
}
