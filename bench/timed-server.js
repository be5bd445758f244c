// The webhook wired as serve() in src/serve.ts wires it for `dist/main.js`
// with --tls-cert-file and --tls-key-file, with the /mutate handler wrapped to
// time each request inside the process. It takes main's flags and exists only
// for the benchmark. POST /explain and self-managed TLS are left out, since
// the benchmark uses neither.
// NOTE: keep the wiring in step with serve() in src/serve.ts when that changes.
//
// Handler time is measured from the request body's last byte ('end' event) to
// the return of the handler: JSON.parse, decoding, admit(), JSON.stringify,
// writing the response, metrics and logging. Body transfer is excluded, since
// it depends on the client and the network rather than on the webhook.
// The parent collects the samples over IPC: on 'collect' the server sends
// { type: 'samples', handlerMs: number[] } and starts a new sample window.
import { performance } from 'node:perf_hooks';
import { connectCluster } from '../dist/cluster-connection.js';
import { parseServerConfig } from '../dist/config.js';
import { openConfigStore } from '../dist/config-store.js';
import { annotationKeys } from '../dist/injection/annotations.js';
import { createLogger } from '../dist/log.js';
import { createApp } from '../dist/server/app.js';
import { startHttpsServer } from '../dist/server/https-server.js';
import { createMetrics, trackCertificateExpiry } from '../dist/server/metrics.js';
import { createMutateHandler } from '../dist/server/mutate-handler.js';
import { createReadiness } from '../dist/server/readiness.js';
import { fileTlsSource } from '../dist/tls/file-tls-source.js';

const config = parseServerConfig(process.argv.slice(2), process.env);
if (!config.tlsCertFile || !config.tlsKeyFile) {
  process.stderr.write('timed-server: --tls-cert-file and --tls-key-file are required\n');
  process.exit(2);
}
const logger = createLogger(config.logLevel);
const metrics = createMetrics();
const store = await openConfigStore({
  templatesDir: config.templatesDir,
  ...(config.policiesDir !== undefined ? { policiesDir: config.policiesDir } : {}),
  logger,
  onLoadError: (kind) => metrics.loadErrors.inc({ kind }),
});
const cluster = await connectCluster(logger);
const tls = await fileTlsSource(config.tlsCertFile, config.tlsKeyFile, logger);
trackCertificateExpiry(metrics, tls);

const keys = annotationKeys(config.annotationPrefix);
const isNative = config.sidecarMode === 'auto' ? () => cluster?.versions.supportsNativeSidecars() ?? false : () => config.sidecarMode === 'native';
const context = () => {
  const snapshot = store.current();
  return {
    templates: snapshot.templates,
    policy: snapshot.policy,
    keys,
    nativeSidecars: isNative(),
    ...(cluster ? { namespaceLabels: (name) => cluster.namespaces.labels(name) } : {}),
  };
};

let server;
const readiness = createReadiness();
readiness.register('certificate', () => tls.notAfter().getTime() > Date.now());
readiness.register('draining', () => server !== undefined && !server.isDraining());
if (cluster) {
  readiness.register('namespace-cache', () => cluster.namespaces.hasSynced());
}
const mutate = createMutateHandler({ context, logger, metrics, isDraining: () => server?.isDraining() ?? false });

let handlerMs = [];
const timedMutate = async (req, res) => {
  let bodyEnd = Number.NaN;
  req.once('end', () => {
    bodyEnd = performance.now();
  });
  await mutate(req, res);
  handlerMs.push(performance.now() - bodyEnd);
};

const app = createApp({ mutate: timedMutate, readiness, metrics, logger });
server = await startHttpsServer(app, { host: config.host, port: config.port, minVersion: config.tlsMinVersion, tls, logger });

process.on('message', (message) => {
  if (message === 'collect') {
    process.send({ type: 'samples', handlerMs: handlerMs.filter(Number.isFinite) });
    handlerMs = [];
  }
});
process.on('SIGTERM', async () => {
  store.close();
  tls.close();
  await cluster?.stop();
  process.exit(0);
});
