import { formatProblems } from '../problems.js';
import { isObject } from '../injection/pod.js';
import { Decision, injectPod, type InjectionContext, type PodInjection } from './inject-pod.js';
import { allowed, denied, patched, type AdmissionRequest, type AdmissionReviewResponse } from './review.js';

/** The review to send back, plus what logs and metrics record about it. */
export interface AdmissionOutcome {
  readonly review: AdmissionReviewResponse;
  readonly decision: Decision;
  /** Short reason in lower-kebab case, such as `not-a-pod` or a problem code. */
  readonly reason: string;
  readonly injection?: PodInjection;
}

function skip(request: AdmissionRequest, reason: string): AdmissionOutcome {
  return { review: allowed(request.uid), decision: Decision.Skipped, reason };
}

/** Returns why a request is not a Pod creation to inject into, or undefined when it is. */
function skipReason(request: AdmissionRequest): string | undefined {
  const isPod = request.kind?.kind === 'Pod' && (request.kind.group ?? '') === '';
  if (!isPod) {
    return 'not-a-pod';
  }
  if (request.subResource) {
    return 'subresource';
  }
  if (request.operation !== 'CREATE') {
    return 'not-create';
  }
  if (!isObject(request.object)) {
    return 'no-object';
  }
  return undefined;
}

/**
 * Builds the response to one AdmissionReview request: the whole admission pipeline, with no
 * I/O. Only CREATE of Pods is mutated; other kinds, operations and subresources
 * are allowed unchanged. dryRun requests get the same response, since nothing
 * here has side effects.
 */
export function admit(request: AdmissionRequest, context: InjectionContext): AdmissionOutcome {
  const reason = skipReason(request);
  if (reason !== undefined) {
    return skip(request, reason);
  }

  const injection = injectPod(request.object as Record<string, unknown>, context, request.namespace ?? '');
  switch (injection.decision) {
    case Decision.Denied:
      return {
        review: denied(request.uid, formatProblems(injection.problems), injection.warnings),
        decision: Decision.Denied,
        reason: injection.problems[0]?.code ?? 'denied',
        injection,
      };
    case Decision.Injected:
      return { review: patched(request.uid, injection.patch, injection.warnings), decision: Decision.Injected, reason: 'injected', injection };
    default:
      return { review: allowed(request.uid, injection.warnings), decision: injection.decision, reason: injection.decision, injection };
  }
}
