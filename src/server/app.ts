import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import type { Logger } from 'pino';
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import type { Metrics } from './metrics.js';
import type { Readiness } from './readiness.js';

export type { Readiness } from './readiness.js';

/** Dependencies of the HTTP routes on the process. */
export interface AppDependencies {
  readonly mutate: (req: IncomingMessage, res: ServerResponse) => Promise<void>;
  readonly readiness: Readiness;
  readonly metrics: Metrics;
  readonly logger: Logger;
  /** Extra routes, such as POST /explain, mounted before the 404 handler. */
  readonly extraRoutes?: (app: Express) => void;
}

/**
 * Builds the request listener: POST /mutate, GET /healthz (liveness), GET
 * /readyz (readiness, with the parts still missing) and GET /metrics
 * (Prometheus). POST /mutate, which carries every admission, goes straight to
 * its handler; express routes the rest.
 */
export function createApp(deps: AppDependencies): RequestListener {
  const app = createExpressApp(deps);
  return (req, res) => {
    if (req.method === 'POST' && req.url === '/mutate') {
      deps.mutate(req, res).catch((error: unknown) => {
        deps.logger.error({ err: error, method: req.method, path: req.url }, 'request failed');
        if (!res.headersSent) {
          res.writeHead(500, { 'Content-Type': 'text/plain' }).end('internal error; see the injector log\n');
        }
      });
      return;
    }
    app(req, res);
  };
}

function createExpressApp(deps: AppDependencies): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);

  app.post('/mutate', (req, res, next) => {
    deps.mutate(req, res).catch(next);
  });
  app.all('/mutate', (req, res) => {
    res.status(405).set('Allow', 'POST').type('text/plain').send(`${req.method} is not allowed on /mutate; send a POST with an AdmissionReview\n`);
  });
  app.get('/healthz', (_req, res) => {
    res.type('text/plain').send('ok\n');
  });
  app.get('/readyz', (_req, res) => {
    const missing = deps.readiness.notReady();
    res.status(missing.length === 0 ? 200 : 503).type('text/plain');
    res.send(missing.length === 0 ? 'ok\n' : `not ready: ${missing.join(', ')}\n`);
  });
  app.get('/metrics', async (_req, res, next) => {
    try {
      const body = await deps.metrics.registry.metrics();
      res.type(deps.metrics.registry.contentType).send(body);
    } catch (error) {
      next(error);
    }
  });
  deps.extraRoutes?.(app);

  app.use((req, res) => {
    res.status(404).type('text/plain').send(`no route for ${req.method} ${req.path}; see POST /mutate, POST /explain, GET /healthz, GET /readyz, GET /metrics\n`);
  });
  app.use((error: Error, req: Request, res: Response, _next: NextFunction) => {
    deps.logger.error({ err: error, method: req.method, path: req.path }, 'request failed');
    if (!res.headersSent) {
      res.status(500).type('text/plain').send('internal error; see the injector log\n');
    }
  });
  return app;
}
