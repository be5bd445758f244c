import type { ServerResponse } from 'node:http';

/** Reasons the fake API server puts in Status objects, by HTTP status code. */
const REASONS: Record<number, string> = {
  400: 'BadRequest',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'NotFound',
  409: 'Conflict',
  410: 'Expired',
  415: 'UnsupportedMediaType',
  422: 'Invalid',
  429: 'TooManyRequests',
  500: 'InternalError',
  503: 'ServiceUnavailable',
};

/** A Kubernetes `Status` object describing a failure. */
export function failureStatus(code: number, message: string, reason = REASONS[code] ?? 'Unknown'): Record<string, unknown> {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code };
}

/** Sends a JSON body with the given HTTP status. */
export function sendJson(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  response.end(text);
}

/** Sends a failure Status with its code as the HTTP status. */
export function sendStatus(response: ServerResponse, code: number, message: string, reason?: string): void {
  sendJson(response, code, failureStatus(code, message, reason));
}

/** Global resourceVersion counter, shared by every kind as etcd's revision is. */
export class ResourceVersionClock {
  private revision = 1000;

  /** Latest resourceVersion handed out, as a number. */
  get current(): number {
    return this.revision;
  }

  /** Advances the revision and returns it as a resourceVersion string. */
  next(): string {
    this.revision += 1;
    return String(this.revision);
  }
}
