import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createMetrics } from '../../src/server/metrics.js';
import { createMutateHandler } from '../../src/server/mutate-handler.js';
import { memoryLogger } from './support/memory-logger.js';
import { review } from './support/reviews.js';

describe('mutate handler', () => {
  test('unexpected error fails the call', async () => {
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
      // HTTP 500 makes the API server apply the webhook's failurePolicy.
      expect(response.status).toBe(500);
      expect(await response.text()).toBe('sidecar-injector failed on request u-error; see the injector log\n');
      expect(log.records.some((record) => record.msg === 'admission failed with an unexpected error' && record.uid === 'u-error')).toBe(true);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
