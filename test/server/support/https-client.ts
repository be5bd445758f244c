import https from 'node:https';
import type { IncomingHttpHeaders } from 'node:http';
import type { TLSSocket } from 'node:tls';

/** A response read to its end. */
export interface ClientResponse {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
  /** SHA-256 fingerprint of the certificate the server presented on this connection. */
  readonly peerFingerprint: string;
  /** Whether the request went over a connection an earlier request had used. */
  readonly reusedSocket: boolean;
  /** Local port of the connection. Two responses with the same port came over the same connection. */
  readonly localPort: number;
  /** Negotiated TLS version, such as TLSv1.3. */
  readonly protocol: string | null;
}

/** One request to the server under test on 127.0.0.1. */
export interface ClientRequest {
  readonly port: number;
  /** PEM certificates the client trusts. */
  readonly ca: string | readonly string[];
  readonly method?: string;
  readonly path?: string;
  readonly headers?: Record<string, string | number>;
  readonly body?: string | Buffer;
  /** Defaults to a fresh connection (agent: false). */
  readonly agent?: https.Agent | false;
  readonly servername?: string;
  readonly maxVersion?: 'TLSv1.2' | 'TLSv1.3';
}

/**
 * Sends a request and reads the whole response. An error after the response
 * arrived (the server closing while the body is still uploading) is ignored.
 */
export function send(request: ClientRequest): Promise<ClientResponse> {
  return new Promise((resolve, reject) => {
    let answered = false;
    const req = https.request(
      {
        host: '127.0.0.1',
        port: request.port,
        method: request.method ?? 'POST',
        path: request.path ?? '/mutate',
        headers: request.headers ?? {},
        ca: typeof request.ca === 'string' ? request.ca : [...request.ca],
        agent: request.agent ?? false,
        ...(request.servername ? { servername: request.servername } : {}),
        ...(request.maxVersion ? { maxVersion: request.maxVersion } : {}),
      },
      (res) => {
        answered = true;
        const socket = res.socket as TLSSocket;
        const peerFingerprint = socket.getPeerCertificate().fingerprint256;
        const localPort = socket.localPort ?? 0;
        const protocol = socket.getProtocol();
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString('utf8'),
            peerFingerprint,
            reusedSocket: req.reusedSocket,
            localPort,
            protocol,
          }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', (error) => {
      if (!answered) {
        reject(error);
      }
    });
    req.end(request.body);
  });
}

/** Posts a JSON value to /mutate with Content-Type application/json. */
export function postJson(port: number, ca: string, value: unknown, agent?: https.Agent): Promise<ClientResponse> {
  return send({ port, ca, body: JSON.stringify(value), headers: { 'Content-Type': 'application/json' }, ...(agent ? { agent } : {}) });
}
