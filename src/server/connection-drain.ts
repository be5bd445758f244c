import type { IncomingMessage, RequestListener, Server, ServerResponse } from 'node:http';
import type { Logger } from 'pino';

/** Drain state of a server, shared by its request listener and its shutdown. */
export interface ConnectionDrain {
  /** Runs the app; while draining, every response carries `Connection: close`. */
  readonly listener: RequestListener;
  isDraining(): boolean;
  /**
   * Starts draining: requests, in flight and new, are still served for
   * `windowMs`, each response closing its connection. Then the server stops
   * listening and closes idle connections, waits up to `graceMs` for the
   * requests still running, and closes every connection left. Resolves once
   * all connections are closed; later calls return the same promise.
   */
  drain(server: Server, windowMs: number, graceMs: number): Promise<void>;
}

function closeServer(server: Server, graceMs: number, logger: Logger): Promise<void> {
  return new Promise((resolve) => {
    const forceClose = setTimeout(() => {
      logger.warn({ graceMs }, 'requests still running after the drain grace; closing their connections');
      server.closeAllConnections();
    }, graceMs);
    // close() fails only when the server was not listening; there is nothing left to wait for then.
    server.close(() => {
      clearTimeout(forceClose);
      resolve();
    });
    server.closeIdleConnections();
  });
}

/**
 * Creates the drain state for `app`. Responses that have not sent their
 * headers when the drain starts get `Connection: close` too, so a request in
 * flight does not leave a keep-alive connection behind.
 */
export function createConnectionDrain(app: RequestListener, logger: Logger): ConnectionDrain {
  let draining: Promise<void> | undefined;
  const unsent = new Set<ServerResponse>();

  const listener = (req: IncomingMessage, res: ServerResponse) => {
    if (draining) {
      res.setHeader('Connection', 'close');
    } else {
      unsent.add(res);
      const forget = () => unsent.delete(res);
      res.once('finish', forget);
      res.once('close', forget);
    }
    app(req, res);
  };

  const drain = (server: Server, windowMs: number, graceMs: number): Promise<void> => {
    draining ??= (async () => {
      for (const res of unsent) {
        if (!res.headersSent) {
          res.setHeader('Connection', 'close');
        }
      }
      unsent.clear();
      await new Promise((resolve) => setTimeout(resolve, windowMs));
      logger.info({ windowMs }, 'drain window over; closing the listener and idle connections');
      await closeServer(server, graceMs, logger);
    })();
    return draining;
  };

  return { listener, isDraining: () => draining !== undefined, drain };
}
