import type { JsonObject } from '../templates/types.js';
import { isObject } from '../injection/pod.js';
import type { AddOperation } from '../injection/patch.js';

/** API version of the only AdmissionReview this webhook speaks. */
export const ADMISSION_API_VERSION = 'admission.k8s.io/v1';

/** The parts of an AdmissionReview v1 request the injector reads. */
export interface AdmissionRequest {
  readonly uid: string;
  readonly kind?: { readonly group?: string; readonly version?: string; readonly kind?: string };
  readonly resource?: { readonly group?: string; readonly version?: string; readonly resource?: string };
  readonly subResource?: string;
  readonly name?: string;
  readonly namespace?: string;
  readonly operation?: string;
  readonly object?: unknown;
  readonly dryRun?: boolean;
}

/** The response half of an AdmissionReview v1. */
export interface AdmissionResponse {
  readonly uid: string;
  readonly allowed: boolean;
  readonly status?: { readonly code: number; readonly reason?: string; readonly message: string };
  readonly patch?: string;
  readonly patchType?: 'JSONPatch';
  readonly warnings?: readonly string[];
}

/** An AdmissionReview v1 carrying a response, as sent back to the API server. */
export interface AdmissionReviewResponse {
  readonly apiVersion: typeof ADMISSION_API_VERSION;
  readonly kind: 'AdmissionReview';
  readonly response: AdmissionResponse;
}

/** Result of decoding a request body: a request, or why it is not one. */
export type DecodeResult =
  | { readonly ok: true; readonly request: AdmissionRequest }
  | { readonly ok: false; readonly message: string };

/**
 * Checks that a parsed JSON body is an AdmissionReview v1 with a request and a
 * uid. Anything else gets HTTP 400, since the API server could
 * not match a review without a uid to its request.
 */
export function decodeAdmissionReview(body: unknown): DecodeResult {
  if (!isObject(body)) {
    return { ok: false, message: 'request body is not a JSON object; expected an AdmissionReview' };
  }
  if (body.kind !== 'AdmissionReview') {
    return { ok: false, message: `kind is ${JSON.stringify(body.kind)}; expected "AdmissionReview"` };
  }
  if (body.apiVersion !== ADMISSION_API_VERSION) {
    return {
      ok: false,
      message: `apiVersion is ${JSON.stringify(body.apiVersion)}; expected "${ADMISSION_API_VERSION}" (set admissionReviewVersions: [v1] in the webhook configuration)`,
    };
  }
  const request = body.request;
  if (!isObject(request)) {
    return { ok: false, message: 'AdmissionReview has no request object' };
  }
  if (request.uid === undefined || request.uid === '') {
    return { ok: false, message: 'AdmissionReview request has no uid' };
  }
  if (typeof request.uid !== 'string') {
    return { ok: false, message: `request.uid is a ${typeof request.uid}; expected a string` };
  }
  return { ok: true, request: request as JsonObject as unknown as AdmissionRequest };
}

function review(response: AdmissionResponse): AdmissionReviewResponse {
  return { apiVersion: ADMISSION_API_VERSION, kind: 'AdmissionReview', response };
}

function withWarnings(warnings: readonly string[]): { warnings?: readonly string[] } {
  return warnings.length > 0 ? { warnings } : {};
}

/** Allows the object unchanged. */
export function allowed(uid: string, warnings: readonly string[] = []): AdmissionReviewResponse {
  return review({ uid, allowed: true, ...withWarnings(warnings) });
}

/** Allows the object with a JSON patch; patchType is only ever set with a patch. */
export function patched(uid: string, patch: readonly AddOperation[], warnings: readonly string[] = []): AdmissionReviewResponse {
  if (patch.length === 0) {
    return allowed(uid, warnings);
  }
  const encoded = Buffer.from(JSON.stringify(patch)).toString('base64');
  return review({ uid, allowed: true, patch: encoded, patchType: 'JSONPatch', ...withWarnings(warnings) });
}

/** Denies the object; kubectl shows the message after "denied the request:". */
export function denied(uid: string, message: string, warnings: readonly string[] = []): AdmissionReviewResponse {
  return review({ uid, allowed: false, status: { code: 403, reason: 'Forbidden', message }, ...withWarnings(warnings) });
}
