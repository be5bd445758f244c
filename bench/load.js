// Drives load with autocannon over HTTPS keep-alive connections and keeps
// every response time, since autocannon's own histogram has 1 ms resolution.
import autocannon from 'autocannon';
import { percentile } from './stats.js';

/**
 * Sends POST /mutate with `body` for `duration` seconds over `connections`
 * keep-alive connections, one request in flight on each (the API server does
 * not pipeline). With `overallRate`, requests are paced to that many per
 * second in total. Returns 2xx throughput, latency percentiles in ms, and
 * the counts of errors, timeouts and non-2xx responses.
 */
export async function runLoad({ url, body, connections, duration, overallRate }) {
  const latencies = [];
  const instance = autocannon({
    url: `${url}/mutate`,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body,
    connections,
    pipelining: 1,
    duration,
    timeout: 10,
    ...(overallRate ? { overallRate } : {}),
  });
  instance.on('response', (_client, statusCode, _bytes, responseTime) => {
    if (statusCode >= 200 && statusCode < 300) {
      latencies.push(responseTime);
    }
  });
  const result = await instance;
  return {
    rps: result['2xx'] / result.duration,
    requests: result['2xx'],
    p50: percentile(latencies, 0.5),
    p99: percentile(latencies, 0.99),
    errors: result.errors,
    timeouts: result.timeouts,
    non2xx: result.non2xx,
  };
}

/** Throws when a load run saw errors, timeouts or non-2xx responses, naming the counts. */
export function assertClean(load, label) {
  if (load.errors > 0 || load.timeouts > 0 || load.non2xx > 0 || load.requests === 0) {
    throw new Error(`${label}: ${load.requests} ok, ${load.errors} errors, ${load.timeouts} timeouts, ${load.non2xx} non-2xx; the numbers would be meaningless`);
  }
}
