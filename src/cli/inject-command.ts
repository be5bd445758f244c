import { readFile } from 'node:fs/promises';
import { parseAllDocuments, type Document } from 'yaml';
import { Decision, injectPod, type InjectionContext } from '../admission/inject-pod.js';
import { formatProblems } from '../problems.js';
import { isObject } from '../injection/pod.js';
import { findPods } from './pod-templates.js';
import { applyToDocument } from './yaml-patch.js';

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

function injectDocument(doc: Document, context: InjectionContext, defaultNamespace: string, errors: string[], warnings: string[]): void {
  const object: unknown = doc.toJS();
  const metadata = isObject(object) && isObject(object.metadata) ? object.metadata : {};
  const namespace = typeof metadata.namespace === 'string' ? metadata.namespace : defaultNamespace;
  for (const location of findPods(object)) {
    const result = injectPod(location.pod, context, namespace);
    warnings.push(...result.warnings.map((warning) => `${location.owner}: ${warning}`));
    if (result.decision === Decision.Denied) {
      errors.push(`${location.owner}: ${formatProblems(result.problems)}`);
    } else if (result.decision === Decision.Injected) {
      applyToDocument(doc, location.path, result.patch);
    }
  }
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
    injectDocument(doc, context, defaultNamespace, errors, warnings);
  }
  if (errors.length > 0) {
    return { output: '', errors, warnings };
  }
  const output = list.map((doc) => doc.toString({ lineWidth: 0 })).join('');
  return { output, errors, warnings };
}
