import fastJsonPatch from 'fast-json-patch';
import { parse } from 'yaml';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { InjectionContext } from '../../src/admission/inject-pod.js';
import type { AdmissionRequest, AdmissionReviewResponse } from '../../src/admission/review.js';
import { annotationKeys } from '../../src/injection/annotations.js';
import type { AddOperation } from '../../src/injection/patch.js';
import { loadTemplates } from '../../src/templates/load.js';
import type { JsonObject } from '../../src/templates/types.js';
import { repoRoot } from './checkers.js';

/** Options for a test AdmissionReview request. */
export interface ReviewOptions {
  readonly uid?: string;
  readonly namespace?: string;
  readonly operation?: string;
  readonly dryRun?: boolean;
  readonly kind?: string;
  readonly subResource?: string;
}

/** Wraps a Pod in an AdmissionReview v1 request as kube-apiserver sends it. */
export function makeReview(object: unknown, options: ReviewOptions = {}): { apiVersion: string; kind: string; request: AdmissionRequest } {
  const kind = options.kind ?? 'Pod';
  return {
    apiVersion: 'admission.k8s.io/v1',
    kind: 'AdmissionReview',
    request: {
      uid: options.uid ?? '705ab4f5-6393-11e8-b7cc-42010a800002',
      kind: { group: '', version: 'v1', kind },
      resource: { group: '', version: 'v1', resource: `${kind.toLowerCase()}s` },
      ...(options.subResource ? { subResource: options.subResource } : {}),
      namespace: options.namespace ?? 'default',
      operation: options.operation ?? 'CREATE',
      object,
      dryRun: options.dryRun ?? false,
    },
  };
}

/** Decodes the base64 JSON patch of a review response, or [] when it has none. */
export function decodePatch(review: AdmissionReviewResponse): AddOperation[] {
  const patch = review.response.patch;
  return patch ? (JSON.parse(Buffer.from(patch, 'base64').toString('utf8')) as AddOperation[]) : [];
}

/** Applies a patch to a deep copy of an object with fast-json-patch, validating each op. */
export function applyPatch<T>(object: T, patch: readonly AddOperation[]): T {
  const copy = structuredClone(object);
  return fastJsonPatch.applyPatch(copy, patch as fastJsonPatch.Operation[], true, true).newDocument;
}

let shippedTemplates: ReturnType<typeof loadTemplates> | undefined;

/** Builds a context of the shipped templates with default settings, as the server uses them. */
export async function shippedContext(nativeSidecars = true): Promise<InjectionContext> {
  shippedTemplates ??= loadTemplates(path.join(repoRoot, 'templates'));
  return { templates: await shippedTemplates, keys: annotationKeys(), nativeSidecars };
}

/** Reads a YAML fixture under test/ as a JSON object. */
export async function readFixture(relativePath: string): Promise<JsonObject> {
  return parse(await readFile(path.join(repoRoot, 'test', relativePath), 'utf8')) as JsonObject;
}

/** Builds a Pod with one container and nothing else: no volumes, annotations or init containers. */
export function minimalPod(annotations?: Record<string, string>): JsonObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'app', ...(annotations ? { annotations } : {}) },
    spec: { containers: [{ name: 'app', image: 'registry.example.com/app:1.0' }] },
  };
}
