import express, { type Express } from 'express';
import type { InjectionContext } from '../admission/inject-pod.js';
import { explainPod } from '../explain.js';
import { isObject } from '../injection/pod.js';
import { MAX_BODY_BYTES } from './mutate-handler.js';
import { isJsonContentType } from './request-body.js';

/** Routes POST /explain: the injector's decision for a Pod, as JSON, without admitting it. */
export function explainRoute(context: () => InjectionContext): (app: Express) => void {
  const parseJson = express.json({ limit: MAX_BODY_BYTES, type: () => true });
  return (app) => {
    app.post('/explain', (req, res, next) => {
      if (!isJsonContentType(req.headers['content-type'])) {
        res.status(415).type('text/plain').send('send the Pod as application/json\n');
        return;
      }
      parseJson(req, res, (error?: unknown) => {
        if (error) {
          const status = (error as { status?: number }).status ?? 400;
          res.status(status === 413 ? 413 : 400).type('text/plain').send(`request body is not a JSON Pod of at most ${MAX_BODY_BYTES} bytes\n`);
          return;
        }
        next();
      });
    });
    app.post('/explain', (req, res) => {
      const namespace = typeof req.query.namespace === 'string' ? req.query.namespace : 'default';
      if (!isObject(req.body) || !isObject(req.body.spec)) {
        res.status(400).type('text/plain').send('request body must be a Pod as JSON; pass its namespace as ?namespace=NAME\n');
        return;
      }
      res.json(explainPod(req.body, namespace, context()));
    });
  };
}

