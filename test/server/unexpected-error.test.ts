import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createMetrics } from '../../src/server/metrics.js';
import { createMutateHandler } from '../../src/server/mutate-handler.js';
import { memoryLogger } from './support/memory-logger.js';
import { review } from './support/reviews.js';

describe('mutate handler', () => {
  test('unexpected error gives a review', async () => {
    const log = memoryLogger();
    const handler = createMutateHandler({
      context: () => {
        throw new Error('templates not readable');
      },
      logger: log.logger,
      metrics: createMetrics(),
    });
    const server = http.createServer((req, res) => void handler(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const body = JSON.stringify(review({ uid: 'u-error' }));
      const { port } = server.address() as AddressInfo;
      const response = await fetch(`http://127.0.0.1:${port}/mutate`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({
        apiVersion: 'admission.k8s.io/v1',
        kind: 'AdmissionReview',
        response: {
          uid: 'u-error',
          allowed: false,
          status: { code: 500, reason: 'InternalError', message: 'sidecar-injector failed on this request: templates not readable; see the injector log' },
        },
      });
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
