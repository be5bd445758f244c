import https from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Express } from 'express';
import type { Logger } from 'pino';
import type { TlsSource } from '../tls/tls-source.js';

/**
 * Idle keep-alive timeout. kube-apiserver keeps idle connections to webhooks
 * for up to 90 s (Go's http.Transport IdleConnTimeout) and does not retry a
 * request that fails because the server closed the connection, so the server
 * must wait longer than that before closing an idle connection.
 */
export const KEEP_ALIVE_TIMEOUT_MS = 120_000;
/** Time allowed for a client to send the request headers. */
export const HEADERS_TIMEOUT_MS = 15_000;
/** Time allowed for a whole request, body included. */
export const REQUEST_TIMEOUT_MS = 30_000;

/** The listening server with its drain control. */
export interface WebhookServer {
  readonly server: https.Server;
  readonly port: number;
  /** Starts draining: responses carry `Connection: close` from now on. */
  isDraining(): boolean;
  /** Marks draining, waits `seconds`, then closes all connections. */
  drain(seconds: number): Promise<void>;
}

/** Options for serving an app over HTTPS. */
export interface HttpsOptions {
  readonly host: string;
  readonly port: number;
  readonly minVersion: 'TLSv1.2' | 'TLSv1.3';
  readonly tls: TlsSource;
  readonly logger: Logger;
}

/**
 * Serves the app over HTTPS. A new certificate from the TLS source applies to
 * new connections; open connections keep the one they started with.
 */
export async function startHttpsServer(app: Express, options: HttpsOptions): Promise<WebhookServer> {
  const { cert, key } = options.tls.current();
  const server = https.createServer({ cert, key, minVersion: options.minVersion }, app);
  server.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS;
  server.headersTimeout = HEADERS_TIMEOUT_MS;
  server.requestTimeout = REQUEST_TIMEOUT_MS;
  options.tls.onChange((pair) => server.setSecureContext({ cert: pair.cert, key: pair.key, minVersion: options.minVersion }));

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });

  let draining = false;
  return {
    server,
    port: (server.address() as AddressInfo).port,
    isDraining: () => draining,
    drain: async (seconds) => {
      draining = true;
      server.on('request', (_req, res) => res.setHeader('Connection', 'close'));
      await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      });
    },
  };
}
