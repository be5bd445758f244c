import type { IncomingMessage, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import type { Logger } from 'pino';
import { admit, type AdmissionOutcome } from '../admission/admit.js';
import type { InjectionContext } from '../admission/inject-pod.js';
import { decodeAdmissionReview, type AdmissionRequest } from '../admission/review.js';
import { objectAt, stringAt } from '../injection/pod.js';
import type { Metrics } from './metrics.js';

/**
 * Largest request body accepted, in bytes. kube-apiserver accepts request
 * bodies up to 3 MiB (its maxRequestBodyBytes), and a review carries the
 * object plus, on updates, the old object, so 8 MiB leaves room for both.
 */
export const MAX_BODY_BYTES = 8 * 1024 * 1024;

/** What the /mutate handler needs from the process around it. */
export interface MutateDependencies {
  /** The current templates and settings; read once per request. */
  readonly context: () => InjectionContext;
  readonly logger: Logger;
  readonly metrics: Metrics;
  /** Sends `Connection: close` on every response while the server drains. */
  readonly isDraining: () => boolean;
  readonly maxBodyBytes?: number;
}

function sendText(res: ServerResponse, status: number, message: string, close: boolean): void {
  res.writeHead(status, {
    'Content-Type': 'text/plain; charset=utf-8',
    'Content-Length': Buffer.byteLength(message) + 1,
    ...(close ? { Connection: 'close' } : {}),
  });
  res.end(`${message}\n`);
}

function isJsonContentType(header: string | undefined): boolean {
  const mediaType = header?.split(';')[0]?.trim().toLowerCase();
  return mediaType === 'application/json';
}

function readBody(req: IncomingMessage, limit: number): Promise<Buffer | 'too-large'> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > limit) {
      req.resume();
      resolve('too-large');
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.removeAllListeners('data');
        req.resume();
        resolve('too-large');
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks, size)));
    req.on('error', reject);
  });
}

function logAdmission(logger: Logger, request: AdmissionRequest, outcome: AdmissionOutcome, durationMs: number): void {
  const metadata = objectAt(request.object, 'metadata');
  const templates = outcome.injection?.templates.map(({ template }) => template.name) ?? [];
  const record = {
    uid: request.uid,
    namespace: request.namespace ?? '',
    name: request.name || stringAt(metadata, 'name') || '',
    generateName: stringAt(metadata, 'generateName'),
    operation: request.operation,
    dryRun: request.dryRun === true,
    templates,
    decision: outcome.decision,
    reason: outcome.reason,
    patchOperations: outcome.injection?.patch.length ?? 0,
    warnings: outcome.review.response.warnings?.length ?? 0,
    durationMs: Math.round(durationMs * 1000) / 1000,
  };
  if (outcome.decision === 'denied') {
    logger.info({ ...record, message: outcome.review.response.status?.message }, 'admission denied');
  } else {
    logger.info(record, 'admission');
  }
  logger.debug({ uid: request.uid, pod: request.object }, 'admission object');
}

function countAdmission(metrics: Metrics, outcome: AdmissionOutcome, seconds: number): void {
  const templates = outcome.injection?.templates.map(({ template }) => template.name) ?? [];
  for (const template of templates.length > 0 ? templates : ['']) {
    metrics.admissions.inc({ decision: outcome.decision, template, reason: outcome.reason });
  }
  metrics.handlerDuration.observe({ decision: outcome.decision }, seconds);
}

/**
 * Creates the POST /mutate handler: reads and checks the body, runs the
 * admission pipeline, and sends the review back. A body that is not an
 * AdmissionReview v1 gets HTTP 400; everything decodable gets HTTP 200 with a
 * review that echoes the request's uid.
 */
export function createMutateHandler(deps: MutateDependencies): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  const limit = deps.maxBodyBytes ?? MAX_BODY_BYTES;
  return async (req, res) => {
    const close = deps.isDraining();
    if (!isJsonContentType(req.headers['content-type'])) {
      sendText(res, 415, `unsupported Content-Type ${JSON.stringify(req.headers['content-type'] ?? '')}; send application/json`, close);
      req.resume();
      return;
    }
    const body = await readBody(req, limit);
    const start = performance.now();
    if (body === 'too-large') {
      sendText(res, 413, `request body is larger than the limit of ${limit} bytes`, true);
      return;
    }

    let parsed: unknown;
    try {
      parsed = JSON.parse(body.toString('utf8'));
    } catch (error) {
      sendText(res, 400, `request body is not valid JSON: ${(error as Error).message}`, close);
      return;
    }
    const decoded = decodeAdmissionReview(parsed);
    if (!decoded.ok) {
      sendText(res, 400, decoded.message, close);
      return;
    }

    const outcome = admit(decoded.request, deps.context());
    const payload = JSON.stringify(outcome.review);
    res.writeHead(200, {
      'Content-Type': 'application/json',
      'Content-Length': Buffer.byteLength(payload),
      ...(close ? { Connection: 'close' } : {}),
    });
    res.end(payload);

    const elapsed = performance.now() - start;
    countAdmission(deps.metrics, outcome, elapsed / 1000);
    logAdmission(deps.logger, decoded.request, outcome, elapsed);
  };
}
