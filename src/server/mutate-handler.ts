import type { IncomingMessage, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import type { Logger } from 'pino';
import { admit, type AdmissionOutcome } from '../admission/admit.js';
import type { InjectionContext } from '../admission/inject-pod.js';
import { decodeAdmissionReview } from '../admission/review.js';
import { countAdmission, logAdmission } from './admission-log.js';
import type { Metrics } from './metrics.js';
import { isJsonContentType, readBody } from './request-body.js';

/**
 * Largest request body accepted, in bytes. kube-apiserver accepts request
 * bodies up to 3 MiB (its maxRequestBodyBytes), and a review carries the
 * object plus, on updates, the old object, so 8 MiB leaves room for both.
 */
export const MAX_BODY_BYTES = 8 * 1024 * 1024;

/** Dependencies of the /mutate handler on the process around it. */
export interface MutateDependencies {
  /** The current templates and settings; read once per request. */
  readonly context: () => InjectionContext;
  readonly logger: Logger;
  readonly metrics: Metrics;
  /**
   * Sends `Connection: close` on responses while the server drains. The
   * server from startHttpsServer already does this for every route.
   */
  readonly isDraining?: () => boolean;
  readonly maxBodyBytes?: number;
}

export type MutateHandler = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

/** HTTP error response to a request that is not a usable AdmissionReview. */
interface Rejection {
  readonly status: 400 | 413 | 415;
  readonly reason: 'unsupported-content-type' | 'body-too-large' | 'invalid-json' | 'not-an-admission-review';
  readonly message: string;
}

function send(res: ServerResponse, status: number, contentType: string, body: string, close: boolean): void {
  res.writeHead(status, {
    'Content-Type': contentType,
    'Content-Length': Buffer.byteLength(body),
    ...(close ? { Connection: 'close' } : {}),
  });
  res.end(body);
}

/**
 * Creates the POST /mutate handler: reads and checks the body, runs the
 * admission pipeline, and sends the review back. A body that is not an
 * AdmissionReview v1 gets HTTP 400, a body over the limit 413 and a
 * Content-Type other than application/json 415. Everything decodable gets
 * HTTP 200 with a review that echoes the request's uid.
 */
export function createMutateHandler(deps: MutateDependencies): MutateHandler {
  const limit = deps.maxBodyBytes ?? MAX_BODY_BYTES;
  const isDraining = deps.isDraining ?? (() => false);

  const reject = (req: IncomingMessage, res: ServerResponse, rejection: Rejection, close = isDraining()) => {
    deps.metrics.invalidRequests.inc({ code: String(rejection.status) });
    // JSON.parse messages quote part of the body, which may contain env values, so only the reason is logged for them.
    const logged = rejection.reason === 'invalid-json' ? {} : { message: rejection.message };
    deps.logger.warn({ status: rejection.status, reason: rejection.reason, ...logged, remoteAddress: req.socket.remoteAddress }, 'mutate request rejected');
    send(res, rejection.status, 'text/plain; charset=utf-8', `${rejection.message}\n`, close);
  };

  return async (req, res) => {
    const start = performance.now();
    if (!isJsonContentType(req.headers['content-type'])) {
      const message = `unsupported Content-Type ${JSON.stringify(req.headers['content-type'] ?? '')}; send application/json`;
      reject(req, res, { status: 415, reason: 'unsupported-content-type', message });
      req.resume();
      return;
    }
    const result = await readBody(req, limit);
    if (result.kind === 'aborted') {
      deps.logger.debug({ remoteAddress: req.socket.remoteAddress }, 'client closed the connection before sending the whole body');
      return;
    }
    if (result.kind === 'too-large') {
      // Closing the connection ends the upload of the rest of the body instead of reading it all.
      reject(req, res, { status: 413, reason: 'body-too-large', message: `request body is larger than the limit of ${limit} bytes` }, true);
      return;
    }

    let parsed: unknown;
    try {
      parsed = JSON.parse(result.body.toString('utf8'));
    } catch (error) {
      reject(req, res, { status: 400, reason: 'invalid-json', message: `request body is not valid JSON: ${(error as Error).message}` });
      return;
    }
    const decoded = decodeAdmissionReview(parsed);
    if (!decoded.ok) {
      reject(req, res, { status: 400, reason: 'not-an-admission-review', message: decoded.message });
      return;
    }

    let outcome: AdmissionOutcome;
    try {
      outcome = admit(decoded.request, deps.context());
    } catch (error) {
      // An error status makes the call fail, so the webhook's failurePolicy
      // decides (Ignore admits the Pod unchanged). A review with allowed false
      // would deny the Pod whatever the policy is.
      deps.logger.error({ err: error, uid: decoded.request.uid }, 'admission failed with an unexpected error');
      send(res, 500, 'text/plain; charset=utf-8', `sidecar-injector failed on request ${decoded.request.uid}; see the injector log\n`, isDraining());
      return;
    }
    send(res, 200, 'application/json', JSON.stringify(outcome.review), isDraining());

    const elapsed = performance.now() - start;
    countAdmission(deps.metrics, outcome, elapsed / 1000);
    logAdmission(deps.logger, decoded.request, outcome, elapsed);
  };
}
