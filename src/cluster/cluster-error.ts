import { ClusterApiError, ClusterErrorCode } from './errors.js';

/** Fields of a Kubernetes `Status` object that explain a failure. */
interface StatusDetails {
  readonly reason?: string;
  readonly message?: string;
}

/** Reads `reason` and `message` from a Status body, given as JSON text or already parsed. */
function statusDetails(body: unknown): StatusDetails {
  let parsed = body;
  if (typeof body === 'string') {
    try {
      parsed = JSON.parse(body);
    } catch {
      return { message: body.slice(0, 200) };
    }
  }
  if (parsed === null || typeof parsed !== 'object') {
    return {};
  }
  const { reason, message } = parsed as Record<string, unknown>;
  return {
    ...(typeof reason === 'string' ? { reason } : {}),
    ...(typeof message === 'string' ? { message } : {}),
  };
}

/** Maps an HTTP status and the Status `reason` to a ClusterErrorCode. */
export function codeForStatus(status: number, reason?: string): ClusterErrorCode {
  switch (status) {
    case 401:
      return ClusterErrorCode.Unauthorized;
    case 403:
      return ClusterErrorCode.Forbidden;
    case 404:
      return ClusterErrorCode.NotFound;
    case 409:
      return reason === 'AlreadyExists' ? ClusterErrorCode.AlreadyExists : ClusterErrorCode.Conflict;
    case 410:
      return ClusterErrorCode.Gone;
    case 422:
      return ClusterErrorCode.Invalid;
    case 429:
      return ClusterErrorCode.ServerError;
    default:
      return status >= 500 ? ClusterErrorCode.ServerError : ClusterErrorCode.RequestFailed;
  }
}

/** undici error codes for a connect, response header or body timeout. */
const UNDICI_TIMEOUTS = new Set(['UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);

/**
 * Whether an error is a timeout: the DOMException `TimeoutError` of the Watch
 * class, or an undici timeout as the cause of a failed fetch. Checks names,
 * not classes, because DOMException need not share the caller's realm.
 */
function isTimeout(error: unknown): boolean {
  const { name, cause } = (error ?? {}) as { name?: unknown; cause?: { code?: unknown } };
  return name === 'TimeoutError' || (typeof cause?.code === 'string' && UNDICI_TIMEOUTS.has(cause.code));
}

/** The HTTP status of a client-node error: `code` of ApiException, `statusCode` of a Watch error. */
function httpStatusOf(error: unknown): number | undefined {
  if (error === null || typeof error !== 'object') {
    return undefined;
  }
  const { code, statusCode } = error as { code?: unknown; statusCode?: unknown };
  if (typeof statusCode === 'number') {
    return statusCode;
  }
  return typeof code === 'number' && 'body' in error ? code : undefined;
}

/**
 * Converts an error thrown by @kubernetes/client-node (an ApiException, a
 * Watch error carrying `statusCode`, or a fetch failure) into a
 * ClusterApiError whose message starts with `action`, for example
 * `read Secret sidecar-injector/sidecar-injector-tls`.
 */
export function toClusterError(action: string, error: unknown): ClusterApiError {
  if (error instanceof ClusterApiError) {
    return error;
  }
  const status = httpStatusOf(error);
  if (status !== undefined) {
    const details = statusDetails((error as { body?: unknown }).body);
    const code = codeForStatus(status, details.reason);
    const reason = details.message ?? (error as Error).message;
    return new ClusterApiError(code, `${action} failed: HTTP ${status} ${code}: ${reason}`, { status, cause: error });
  }
  if (isTimeout(error)) {
    return new ClusterApiError(ClusterErrorCode.Timeout, `${action} timed out; the API server did not respond`, {
      cause: error,
    });
  }
  // undici's fetch throws TypeError('fetch failed') with the socket error as its cause.
  const cause = (error as { cause?: { message?: unknown } } | null)?.cause;
  const detail = typeof cause?.message === 'string' ? cause.message : String((error as Error)?.message ?? error);
  return new ClusterApiError(
    ClusterErrorCode.Unreachable,
    `${action} failed: the API server is unreachable (${detail}); check the kubeconfig server address and the network`,
    { cause: error },
  );
}

/** Converts the Status object of a watch ERROR event into a ClusterApiError. */
export function watchEventError(action: string, status: unknown): ClusterApiError {
  const code = (status as { code?: unknown } | null)?.code;
  const details = statusDetails(status);
  const httpStatus = typeof code === 'number' ? code : 500;
  const errorCode = codeForStatus(httpStatus, details.reason);
  const message = details.message ?? 'no message';
  return new ClusterApiError(errorCode, `${action} ended with an ERROR event: ${httpStatus} ${errorCode}: ${message}`, {
    status: httpStatus,
  });
}
