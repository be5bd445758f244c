import { parseServerConfig, ConfigError, USAGE, type ServerConfig } from './config.js';
import type { InjectionContext } from './admission/inject-pod.js';
import { annotationKeys } from './injection/annotations.js';
import { createLogger, type Logger } from './log.js';
import { createApp } from './server/app.js';
import { startHttpsServer } from './server/https-server.js';
import { createMetrics, type Metrics } from './server/metrics.js';
import { createMutateHandler } from './server/mutate-handler.js';
import { loadTemplates, TemplateLoadError } from './templates/load.js';
import { generateSelfSigned } from './tls/self-signed.js';
import { fileTlsSource, staticTlsSource, type TlsSource } from './tls/tls-source.js';

async function openTlsSource(config: ServerConfig, logger: Logger): Promise<TlsSource> {
  if (config.tlsCertFile && config.tlsKeyFile) {
    return fileTlsSource(config.tlsCertFile, config.tlsKeyFile, logger);
  }
  const hosts = ['localhost', '127.0.0.1', '::1'];
  logger.warn({ hosts }, 'no --tls-cert-file given: serving a self-signed certificate generated at start, for local use only');
  return staticTlsSource(await generateSelfSigned(hosts));
}

async function loadTemplatesOrExit(config: ServerConfig, logger: Logger, metrics: Metrics) {
  try {
    return await loadTemplates(config.templatesDir);
  } catch (error) {
    metrics.loadErrors.inc({ kind: 'template' });
    if (error instanceof TemplateLoadError) {
      for (const problem of error.errors) {
        logger.fatal(problem, `invalid template file: ${problem.file}:${problem.line}:${problem.column}: ${problem.message}`);
      }
    } else {
      logger.fatal({ err: error, templatesDir: config.templatesDir }, 'cannot read the templates directory');
    }
    process.exit(1);
  }
}

/** Starts the webhook server and stops it on SIGTERM or SIGINT after draining. */
async function serve(config: ServerConfig): Promise<void> {
  const logger = createLogger(config.logLevel);
  const metrics = createMetrics();
  logger.info({ config }, 'starting sidecar-injector');

  const templates = await loadTemplatesOrExit(config, logger, metrics);
  logger.info({ templates: [...templates.values()].map((t) => ({ name: t.name, hash: t.hash, source: t.source })) }, 'templates loaded');

  const tls = await openTlsSource(config, logger);
  metrics.certificateExpiry.set(tls.notAfter().getTime() / 1000);
  tls.onChange(() => metrics.certificateExpiry.set(tls.notAfter().getTime() / 1000));

  const nativeSidecars = config.sidecarMode === 'native';
  if (config.sidecarMode === 'auto') {
    logger.info('sidecar mode auto: classic sidecars until the API server version is known');
  }
  const context: InjectionContext = { templates, keys: annotationKeys(config.annotationPrefix), nativeSidecars };

  let server: Awaited<ReturnType<typeof startHttpsServer>> | undefined;
  const mutate = createMutateHandler({ context: () => context, logger, metrics, isDraining: () => server?.isDraining() ?? false });
  const readiness = { notReady: () => (server?.isDraining() ? ['draining'] : []) };
  const app = createApp({ mutate, readiness, metrics, logger });
  server = await startHttpsServer(app, { host: config.host, port: config.port, minVersion: config.tlsMinVersion, tls, logger });
  logger.info({ address: `https://${config.host}:${server.port}`, paths: ['/mutate', '/healthz', '/readyz', '/metrics'] }, 'webhook listening');

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) {
      return;
    }
    stopping = true;
    logger.info({ signal, drainSeconds: config.drainSeconds }, 'draining: readiness fails, requests are still served');
    void server!.drain(config.drainSeconds).then(() => {
      tls.close();
      logger.info('stopped');
      process.exit(0);
    });
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

async function main(argv: readonly string[]): Promise<void> {
  const args = argv[0] === 'serve' ? argv.slice(1) : argv;
  let config;
  try {
    config = parseServerConfig(args, process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`sidecar-injector: ${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
  if (config.help) {
    process.stdout.write(USAGE);
    return;
  }
  await serve(config);
}

await main(process.argv.slice(2));
