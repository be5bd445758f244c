// The webhook as `dist/main.js` starts it (startWebhook in src/serve.ts), with
// the /mutate handler wrapped to time each request inside the process. It
// takes main's flags and exists only for the benchmark.
//
// Handler time is measured from the request body's last byte ('end' event) to
// the return of the handler: JSON.parse, decoding, admit(), JSON.stringify,
// writing the response, metrics and logging. Body transfer is excluded, since
// it depends on the client and the network rather than on the webhook.
// The parent collects the samples over IPC: on 'collect' the server sends
// { type: 'samples', handlerMs: number[] } and starts a new sample window.
import { performance } from 'node:perf_hooks';
import { parseServerConfig } from '../dist/config.js';
import { createLogger } from '../dist/log.js';
import { startWebhook } from '../dist/serve.js';

const config = parseServerConfig(process.argv.slice(2), process.env);
const logger = createLogger(config.logLevel);

let handlerMs = [];

/** Wraps the /mutate handler to record the time from the body's last byte to its return. */
function timed(handler) {
  return async (req, res) => {
    let bodyEnd = Number.NaN;
    req.once('end', () => {
      bodyEnd = performance.now();
    });
    await handler(req, res);
    handlerMs.push(performance.now() - bodyEnd);
  };
}

const webhook = await startWebhook(config, logger, { wrapMutate: timed });

process.on('message', (message) => {
  if (message === 'collect') {
    process.send({ type: 'samples', handlerMs: handlerMs.filter(Number.isFinite) });
    handlerMs = [];
  }
});
process.on('SIGTERM', async () => {
  await webhook.stop(0);
  process.exit(0);
});
