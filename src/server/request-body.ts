import type { IncomingMessage } from 'node:http';

/** A request body that was read, or why it was not. */
export type BodyResult =
  | { readonly kind: 'body'; readonly body: Buffer }
  | { readonly kind: 'too-large' }
  /** The client closed the connection before the body was complete. */
  | { readonly kind: 'aborted' };

/** Tells whether a Content-Type header names application/json, parameters such as charset aside. */
export function isJsonContentType(header: string | undefined): boolean {
  const [mediaType, ...parameters] = (header ?? '').split(';').map((part) => part.trim().toLowerCase());
  const charset = parameters.find((parameter) => parameter.startsWith('charset='))?.slice('charset='.length).replaceAll('"', '');
  // JSON is UTF-8 (RFC 8259); a body declared in another charset is not read as such.
  return mediaType === 'application/json' && (charset === undefined || charset === 'utf-8' || charset === 'utf8');
}

/**
 * Reads a request body of at most `limit` bytes. A body declared or found to
 * be larger resolves to too-large at once. The rest of such a body is read
 * and dropped, so that the client can still receive the error response.
 */
export function readBody(req: IncomingMessage, limit: number): Promise<BodyResult> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > limit) {
      req.resume();
      resolve({ kind: 'too-large' });
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.off('data', onData);
        req.resume();
        resolve({ kind: 'too-large' });
        return;
      }
      chunks.push(chunk);
    };
    req.on('data', onData);
    req.on('end', () => resolve({ kind: 'body', body: Buffer.concat(chunks, size) }));
    req.on('close', () => {
      if (!req.complete) {
        resolve({ kind: 'aborted' });
      }
    });
    req.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'ECONNRESET') {
        resolve({ kind: 'aborted' });
      } else {
        reject(error);
      }
    });
  });
}
