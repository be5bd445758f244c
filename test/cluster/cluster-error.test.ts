import { codeForStatus, toClusterError, watchEventError } from '../../src/cluster/cluster-error.js';
import { ClusterApiError, ClusterErrorCode, type ClusterErrorCode as Code } from '../../src/cluster/errors.js';

describe('codeForStatus', () => {
  const cases: [number, string | undefined, Code][] = [
    [401, undefined, 'Unauthorized'],
    [403, 'Forbidden', 'Forbidden'],
    [404, 'NotFound', 'NotFound'],
    [409, 'AlreadyExists', 'AlreadyExists'],
    [409, 'Conflict', 'Conflict'],
    [410, 'Expired', 'Gone'],
    [422, 'Invalid', 'Invalid'],
    [429, 'TooManyRequests', 'ServerError'],
    [503, 'ServiceUnavailable', 'ServerError'],
    [400, 'BadRequest', 'RequestFailed'],
  ];

  it.each(cases)('maps %i %s', (status, reason, expected) => {
    expect(codeForStatus(status, reason)).toBe(expected);
  });
});

describe('toClusterError', () => {
  it('reads an ApiException body', () => {
    const apiException = Object.assign(new Error('HTTP-Code: 409'), {
      code: 409,
      body: JSON.stringify({ kind: 'Status', reason: 'AlreadyExists', message: 'secrets "tls" already exists', code: 409 }),
    });

    const error = toClusterError('create Secret ns/tls', apiException);

    expect(error.code).toBe(ClusterErrorCode.AlreadyExists);
    expect(error.status).toBe(409);
    expect(error.message).toBe('create Secret ns/tls failed: HTTP 409 AlreadyExists: secrets "tls" already exists');
    expect(error.cause).toBe(apiException);
  });

  it('reads a watch statusCode', () => {
    const watchError = Object.assign(new Error('Gone'), { statusCode: 410 });

    const error = toClusterError('watch Namespaces', watchError);

    expect(error.code).toBe(ClusterErrorCode.Gone);
    expect(error.status).toBe(410);
  });

  it('maps the watch inactivity timeout', () => {
    const timeout = new DOMException('The operation was aborted due to timeout', 'TimeoutError');

    const error = toClusterError('watch Namespaces', timeout);

    expect(error.code).toBe(ClusterErrorCode.Timeout);
    expect(error.status).toBeUndefined();
  });

  it('maps an undici header timeout', () => {
    const cause = Object.assign(new Error('Headers Timeout Error'), { code: 'UND_ERR_HEADERS_TIMEOUT' });

    const error = toClusterError('GET /version', new TypeError('fetch failed', { cause }));

    expect(error.code).toBe(ClusterErrorCode.Timeout);
  });

  it('names the refused address', () => {
    const refused = new TypeError('fetch failed', { cause: new Error('connect ECONNREFUSED 127.0.0.1:6443') });

    const error = toClusterError('GET /version', refused);

    expect(error.code).toBe(ClusterErrorCode.Unreachable);
    expect(error.message).toContain('connect ECONNREFUSED 127.0.0.1:6443');
  });

  it('keeps a ClusterApiError', () => {
    const original = new ClusterApiError(ClusterErrorCode.Conflict, 'replace failed');

    expect(toClusterError('replace', original)).toBe(original);
  });
});

describe('watchEventError', () => {
  it('maps a 410 Status', () => {
    const status = { kind: 'Status', status: 'Failure', reason: 'Expired', message: 'too old resource version: 5 (9)', code: 410 };

    const error = watchEventError('watch Namespaces', status);

    expect(error.code).toBe(ClusterErrorCode.Gone);
    expect(error.status).toBe(410);
    expect(error.message).toContain('too old resource version: 5 (9)');
  });

  it('treats a Status without code as 500', () => {
    const error = watchEventError('watch Namespaces', { kind: 'Status', message: 'internal error' });

    expect(error.code).toBe(ClusterErrorCode.ServerError);
    expect(error.status).toBe(500);
  });
});
