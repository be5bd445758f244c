import type { Logger } from 'pino';
import type { AdmissionOutcome } from '../admission/admit.js';
import { Decision } from '../admission/inject-pod.js';
import type { AdmissionRequest } from '../admission/review.js';
import { objectAt, stringAt } from '../injection/pod.js';
import type { Metrics } from './metrics.js';

function templateNames(outcome: AdmissionOutcome): string[] {
  return outcome.injection?.templates.map(({ template }) => template.name) ?? [];
}

function isPodRequest(request: AdmissionRequest): boolean {
  return request.kind?.kind === 'Pod' && (request.kind.group ?? '') === '';
}

/**
 * Writes the one info record of an admission: who (uid, namespace, name or
 * generateName), what was decided and why, and how long it took. The record
 * contains no Pod fields beyond metadata names, so env values never reach info.
 * The Pod itself is logged at debug only, with env values redacted by the
 * logger; objects of other kinds, such as Secrets, are never logged.
 */
export function logAdmission(logger: Logger, request: AdmissionRequest, outcome: AdmissionOutcome, durationMs: number): void {
  const metadata = objectAt(request.object, 'metadata');
  const generateName = stringAt(metadata, 'generateName');
  const record = {
    uid: request.uid,
    namespace: request.namespace ?? '',
    name: request.name || stringAt(metadata, 'name') || '',
    ...(generateName ? { generateName } : {}),
    operation: request.operation,
    dryRun: request.dryRun === true,
    templates: templateNames(outcome),
    decision: outcome.decision,
    reason: outcome.reason,
    patchOperations: outcome.injection?.patch.length ?? 0,
    warnings: outcome.review.response.warnings?.length ?? 0,
    durationMs: Math.round(durationMs * 1000) / 1000,
  };
  if (outcome.decision === Decision.Denied) {
    logger.info({ ...record, message: outcome.review.response.status?.message }, 'admission denied');
  } else {
    logger.info(record, 'admission');
  }
  if (isPodRequest(request)) {
    logger.debug({ uid: request.uid, pod: request.object }, 'admission object');
  }
}

/**
 * Counts an admission once per template (once with template="" when there is
 * none), counts templates left out under their admit policy, and records the duration.
 */
export function countAdmission(metrics: Metrics, outcome: AdmissionOutcome, seconds: number): void {
  const templates = templateNames(outcome);
  for (const template of templates.length > 0 ? templates : ['']) {
    metrics.admissions.inc({ decision: outcome.decision, template, reason: outcome.reason });
  }
  for (const skipped of outcome.injection?.skipped ?? []) {
    metrics.skippedTemplates.inc({ template: skipped.template, reason: skipped.code });
  }
  metrics.handlerDuration.observe({ decision: outcome.decision }, seconds);
}
