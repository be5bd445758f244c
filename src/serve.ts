import { tmpdir } from 'node:os';
import path from 'node:path';
import type { InjectionContext } from './admission/inject-pod.js';
import { connectCluster, type ClusterConnection } from './cluster-connection.js';
import type { ServerConfig } from './config.js';
import { openConfigStore, type ConfigStore } from './config-store.js';
import { annotationKeys } from './injection/annotations.js';
import { createLogger, type Logger } from './log.js';
import type { SelfManagedTls } from './self-managed-tls.js';
import { createApp } from './server/app.js';
import { startHttpsServer, type WebhookServer } from './server/https-server.js';
import { createMetrics, trackCertificateExpiry, type Metrics } from './server/metrics.js';
import { explainRoute } from './server/explain-route.js';
import { createMutateHandler, type MutateHandler } from './server/mutate-handler.js';
import { createReadiness } from './server/readiness.js';
import { fileTlsSource } from './tls/file-tls-source.js';
import { staticTlsSource, type TlsSource } from './tls/tls-source.js';
import { FileLoadError } from './yaml-file.js';

async function openConfigOrExit(config: ServerConfig, logger: Logger, metrics: Metrics): Promise<ConfigStore> {
  try {
    return await openConfigStore({
      templatesDir: config.templatesDir,
      ...(config.policiesDir !== undefined ? { policiesDir: config.policiesDir } : {}),
      logger,
      onLoadError: (kind) => metrics.loadErrors.inc({ kind }),
    });
  } catch (error) {
    const kind = (error as FileLoadError).code === 'PolicyLoadError' ? 'policy' : 'template';
    metrics.loadErrors.inc({ kind });
    if (error instanceof FileLoadError) {
      for (const problem of error.errors) {
        logger.fatal(problem, `invalid ${kind} file: ${problem.file}:${problem.line}:${problem.column}: ${problem.message}`);
      }
    } else {
      logger.fatal({ err: error, templatesDir: config.templatesDir, policiesDir: config.policiesDir }, 'cannot read the templates or policies directory');
    }
    process.exit(1);
  }
}

async function openTls(config: ServerConfig, cluster: ClusterConnection | undefined, logger: Logger): Promise<{ tls: TlsSource; selfManaged?: SelfManagedTls }> {
  if (config.selfManagedTls) {
    if (!cluster) {
      throw new Error('--self-managed-tls needs access to the API server, but no in-cluster or kubeconfig configuration was found');
    }
    const certFile = config.tlsCertFile ?? path.join(tmpdir(), 'sidecar-injector-tls.crt');
    const keyFile = config.tlsKeyFile ?? path.join(tmpdir(), 'sidecar-injector-tls.key');
    const { startSelfManagedTls } = await import('./self-managed-tls.js');
    const selfManaged = await startSelfManagedTls({
      api: cluster.api,
      namespace: config.namespace,
      serviceName: config.serviceName,
      secretName: config.tlsSecretName,
      webhookConfigName: config.webhookConfigName,
      certFile,
      keyFile,
      logger,
    });
    return { tls: await fileTlsSource(certFile, keyFile, logger), selfManaged };
  }
  if (config.tlsCertFile && config.tlsKeyFile) {
    return { tls: await fileTlsSource(config.tlsCertFile, config.tlsKeyFile, logger) };
  }
  // Imported here only: the X.509 library adds about 14 MiB of resident memory.
  const { generateSelfSigned } = await import('./tls/self-signed.js');
  const hosts = ['localhost', '127.0.0.1', '::1'];
  logger.warn({ hosts }, 'no --tls-cert-file given: serving a self-signed certificate generated at start, for local use only');
  return { tls: staticTlsSource(await generateSelfSigned(hosts)) };
}

/**
 * Chooses native or classic sidecars for the installation. In auto mode the
 * choice follows the cluster version, read in the background; until it is
 * known, or without a cluster, classic sidecars are used, because a native
 * sidecar on a cluster older than 1.29 would be an init container that never
 * exits and would keep the Pod from starting.
 */
function nativeSidecars(config: ServerConfig, cluster: ClusterConnection | undefined): () => boolean {
  if (config.sidecarMode !== 'auto') {
    return () => config.sidecarMode === 'native';
  }
  return () => cluster?.versions.supportsNativeSidecars() ?? false;
}

/** A started webhook with everything it runs in the background. */
export interface RunningWebhook {
  readonly server: WebhookServer;
  /** Drains for `seconds`, then closes the server and stops the background work. */
  stop(seconds: number): Promise<void>;
}

/** Hooks for callers that embed the webhook, such as the benchmark. */
export interface WebhookHooks {
  /** Wraps the /mutate handler, for example to time it. */
  readonly wrapMutate?: (handler: MutateHandler) => MutateHandler;
}

/**
 * Starts the webhook: loads templates and policies (exiting with their errors
 * when they are invalid), connects to the cluster when configured, opens the
 * TLS source, and serves over HTTPS.
 */
export async function startWebhook(config: ServerConfig, logger: Logger, hooks: WebhookHooks = {}): Promise<RunningWebhook> {
  const metrics = createMetrics();
  const store = await openConfigOrExit(config, logger, metrics);
  const loaded = store.current();
  logger.info({ templates: [...loaded.templates.values()].map(({ name, hash, source }) => ({ name, hash, source })), rules: loaded.policy.rules.map((rule) => rule.name) }, 'templates and policies loaded');

  const cluster = await connectCluster(logger);
  const { tls, selfManaged } = await openTls(config, cluster, logger);
  trackCertificateExpiry(metrics, tls);

  const keys = annotationKeys(config.annotationPrefix);
  const isNative = nativeSidecars(config, cluster);
  const context = (): InjectionContext => {
    const snapshot = store.current();
    return {
      templates: snapshot.templates,
      policy: snapshot.policy,
      keys,
      nativeSidecars: isNative(),
      ...(cluster ? { namespaceLabels: (name: string) => cluster.namespaces.labels(name) } : {}),
    };
  };
  logger.info({ sidecarMode: config.sidecarMode, nativeSidecarsNow: isNative() }, 'sidecar mode');

  let server: WebhookServer | undefined;
  const readiness = createReadiness();
  readiness.register('certificate', () => tls.notAfter().getTime() > Date.now());
  readiness.register('draining', () => server !== undefined && !server.isDraining());
  if (cluster) {
    readiness.register('namespace-cache', () => cluster.namespaces.hasSynced());
  }
  const handler = createMutateHandler({ context, logger, metrics, isDraining: () => server?.isDraining() ?? false });
  const mutate = hooks.wrapMutate ? hooks.wrapMutate(handler) : handler;
  const app = createApp({ mutate, readiness, metrics, logger, extraRoutes: explainRoute(context) });
  server = await startHttpsServer(app, { host: config.host, port: config.port, minVersion: config.tlsMinVersion, tls, logger });
  logger.info({ address: `https://${config.host}:${server.port}`, paths: ['/mutate', '/explain', '/healthz', '/readyz', '/metrics'] }, 'webhook listening');

  const running = server;
  return {
    server: running,
    stop: async (seconds) => {
      await running.drain(seconds);
      store.close();
      tls.close();
      await selfManaged?.stop();
      await cluster?.stop();
    },
  };
}

/** Starts the webhook server and stops it on SIGTERM or SIGINT after draining. */
export async function serve(config: ServerConfig): Promise<void> {
  const logger = createLogger(config.logLevel);
  logger.info({ config }, 'starting sidecar-injector');
  const webhook = await startWebhook(config, logger);

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) {
      logger.warn({ signal }, 'second stop signal: exiting without finishing the drain');
      process.exit(1);
    }
    stopping = true;
    logger.info({ signal, drainSeconds: config.drainSeconds }, 'draining: readiness fails, requests are still served');
    void webhook.stop(config.drainSeconds).then(() => {
      logger.info('stopped');
      process.exit(0);
    });
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}
