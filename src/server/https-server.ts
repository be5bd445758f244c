import https from 'node:https';
import type { RequestListener } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { SecureContextOptions } from 'node:tls';
import type { Logger } from 'pino';
import type { KeyPair } from '../tls/self-signed.js';
import type { TlsSource } from '../tls/tls-source.js';
import { createConnectionDrain } from './connection-drain.js';

/**
 * Idle keep-alive timeout. kube-apiserver keeps idle connections to webhooks
 * for up to 90 s (Go's http.Transport IdleConnTimeout) and does not retry a
 * request that fails because the server closed the connection, so the server
 * must wait longer than that before closing an idle connection.
 */
export const KEEP_ALIVE_TIMEOUT_MS = 120_000;
/** Time allowed for a client to send the request headers; slower clients get 408 and are disconnected. */
export const HEADERS_TIMEOUT_MS = 15_000;
/** Time allowed for a whole request, body included. */
export const REQUEST_TIMEOUT_MS = 30_000;
/**
 * How often Node compares running requests with the headers and request
 * timeouts. Node's default of 30 s would let a slow client hold a connection
 * for up to 45 s past HEADERS_TIMEOUT_MS instead of at most 1 s.
 */
export const CONNECTIONS_CHECKING_INTERVAL_MS = 1_000;
/** Time allowed for the TLS handshake of a new connection (Node's default is 120 s). */
export const HANDSHAKE_TIMEOUT_MS = 10_000;
/** Time the requests still running when the drain window ends get before their connections are closed. */
export const DRAIN_GRACE_MS = 2_000;

/** Connection timeouts of the server, in milliseconds. */
export interface ServerTimeouts {
  readonly keepAliveMs: number;
  readonly headersMs: number;
  readonly requestMs: number;
  readonly connectionsCheckingIntervalMs: number;
  readonly handshakeMs: number;
}

/** The production timeouts. */
export const DEFAULT_SERVER_TIMEOUTS: ServerTimeouts = {
  keepAliveMs: KEEP_ALIVE_TIMEOUT_MS,
  headersMs: HEADERS_TIMEOUT_MS,
  requestMs: REQUEST_TIMEOUT_MS,
  connectionsCheckingIntervalMs: CONNECTIONS_CHECKING_INTERVAL_MS,
  handshakeMs: HANDSHAKE_TIMEOUT_MS,
} as const;

/** Lowest TLS version the server accepts. */
export type TlsMinVersion = 'TLSv1.2' | 'TLSv1.3';

/** The listening server with its drain control. */
export interface WebhookServer {
  readonly server: https.Server;
  readonly port: number;
  /** True from the start of drain(); readiness should fail from then on. */
  isDraining(): boolean;
  /**
   * Keeps serving for `seconds` with `Connection: close` on every response,
   * then stops listening and closes the connections, giving running requests
   * the drain grace first. Resolves when every connection is closed. The pod's
   * terminationGracePeriodSeconds must exceed `seconds` plus the grace.
   */
  drain(seconds: number): Promise<void>;
  /** Stops at once: closes the listener and every connection. */
  close(): Promise<void>;
}

/** Options for serving an app over HTTPS. */
export interface HttpsOptions {
  readonly host: string;
  readonly port: number;
  /** Defaults to TLSv1.3. */
  readonly minVersion?: TlsMinVersion;
  readonly tls: TlsSource;
  readonly logger: Logger;
  /** Overrides of DEFAULT_SERVER_TIMEOUTS. */
  readonly timeouts?: Partial<ServerTimeouts>;
  /** Defaults to DRAIN_GRACE_MS. */
  readonly drainGraceMs?: number;
}

function secureContextOptions(pair: KeyPair, minVersion: TlsMinVersion): SecureContextOptions {
  return { cert: pair.cert, key: pair.key, minVersion };
}

function listen(server: https.Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

/**
 * Serves the app over HTTPS. A new certificate from the TLS source applies to
 * new connections; open connections keep the one they started with.
 * Rejects when the port cannot be bound.
 */
export async function startHttpsServer(app: RequestListener, options: HttpsOptions): Promise<WebhookServer> {
  const minVersion = options.minVersion ?? 'TLSv1.3';
  const timeouts = { ...DEFAULT_SERVER_TIMEOUTS, ...options.timeouts };
  const drainGraceMs = options.drainGraceMs ?? DRAIN_GRACE_MS;
  const connections = createConnectionDrain(app, options.logger);
  const server = https.createServer(
    {
      ...secureContextOptions(options.tls.current(), minVersion),
      keepAliveTimeout: timeouts.keepAliveMs,
      headersTimeout: timeouts.headersMs,
      requestTimeout: timeouts.requestMs,
      connectionsCheckingInterval: timeouts.connectionsCheckingIntervalMs,
      handshakeTimeout: timeouts.handshakeMs,
    },
    connections.listener,
  );
  options.tls.onChange((pair) => server.setSecureContext(secureContextOptions(pair, minVersion)));
  server.on('tlsClientError', (error) => {
    options.logger.debug({ err: error }, 'TLS handshake failed');
  });

  await listen(server, options.port, options.host);
  return {
    server,
    port: (server.address() as AddressInfo).port,
    isDraining: connections.isDraining,
    drain: (seconds) => connections.drain(server, seconds * 1000, drainGraceMs),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
