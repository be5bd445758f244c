/**
 * Reasons a call to the Kubernetes API server can fail. Code branches on
 * `code`, never on message text.
 */
export const ClusterErrorCode = {
  /** HTTP 404: the object does not exist. */
  NotFound: 'NotFound',
  /** HTTP 409 on create: an object with that name exists. */
  AlreadyExists: 'AlreadyExists',
  /** HTTP 409 on update: the stored resourceVersion differs, so read the object again and retry. */
  Conflict: 'Conflict',
  /** HTTP 410, or a watch ERROR event with code 410: the resourceVersion is too old, so list again. */
  Gone: 'Gone',
  /** HTTP 401: the credentials were rejected. */
  Unauthorized: 'Unauthorized',
  /** HTTP 403: RBAC does not allow the call. */
  Forbidden: 'Forbidden',
  /** HTTP 422: the API server rejected the object or patch as invalid. */
  Invalid: 'Invalid',
  /** HTTP 5xx or 429: the API server failed or is overloaded, so retry later. */
  ServerError: 'ServerError',
  /** Any other HTTP status. */
  RequestFailed: 'RequestFailed',
  /** No HTTP response: connection refused or reset, DNS or TLS failure. */
  Unreachable: 'Unreachable',
  /** No response, or no watch data, within the client's timeout. */
  Timeout: 'Timeout',
  /** The API server returned data this module cannot use, such as a version without numbers. */
  InvalidResponse: 'InvalidResponse',
  /** No kubeconfig file and no in-cluster service account were found. */
  NoConfig: 'NoConfig',
} as const;
export type ClusterErrorCode = (typeof ClusterErrorCode)[keyof typeof ClusterErrorCode];

/** Failure of one API call, with the HTTP status when there was a response. */
export class ClusterApiError extends Error {
  override readonly name = 'ClusterApiError';
  readonly code: ClusterErrorCode;
  /** HTTP status code, or undefined when no response arrived. */
  readonly status: number | undefined;

  constructor(code: ClusterErrorCode, message: string, options: { status?: number; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.status = options.status;
  }
}

/** Whether a value is a ClusterApiError with the given code. */
export function isClusterError(error: unknown, code: ClusterErrorCode): error is ClusterApiError {
  return error instanceof ClusterApiError && error.code === code;
}
