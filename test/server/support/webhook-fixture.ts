import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { InjectionContext } from '../../../src/admission/inject-pod.js';
import { annotationKeys } from '../../../src/injection/annotations.js';
import { explainRoute } from '../../../src/server/explain-route.js';
import { createApp } from '../../../src/server/app.js';
import { startHttpsServer, type ServerTimeouts, type TlsMinVersion, type WebhookServer } from '../../../src/server/https-server.js';
import { createMetrics, trackCertificateExpiry, type Metrics } from '../../../src/server/metrics.js';
import { createMutateHandler } from '../../../src/server/mutate-handler.js';
import { createReadiness, type ReadinessRegistry } from '../../../src/server/readiness.js';
import { loadTemplates } from '../../../src/templates/load.js';
import { generateSelfSigned } from '../../../src/tls/self-signed.js';
import { staticTlsSource, type TlsSource } from '../../../src/tls/tls-source.js';
import { memoryLogger, type MemoryLogger } from './memory-logger.js';

/** Repository root, found from this file's location. */
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

/** Builds an injection context from the shipped templates, with the default annotation keys and classic sidecars. */
export async function shippedContext(): Promise<InjectionContext> {
  return { templates: await loadTemplates(path.join(repoRoot, 'templates')), keys: annotationKeys(), nativeSidecars: false };
}

/** A running webhook with everything a test inspects. */
export interface WebhookFixture {
  readonly webhook: WebhookServer;
  readonly port: number;
  /** PEM certificate the client must trust. */
  readonly ca: string;
  readonly context: InjectionContext;
  readonly metrics: Metrics;
  readonly log: MemoryLogger;
  readonly readiness: ReadinessRegistry;
  close(): Promise<void>;
}

/** Settings of a fixture; everything has a default. */
export interface FixtureOptions {
  readonly tls?: TlsSource;
  readonly minVersion?: TlsMinVersion;
  readonly timeouts?: Partial<ServerTimeouts>;
  readonly drainGraceMs?: number;
  readonly logLevel?: string;
}

/**
 * Starts the app on 127.0.0.1 on an ephemeral port, wired the way the
 * process wires it: shipped templates, readiness with a draining check,
 * metrics with the certificate expiry, and logs kept in memory.
 */
export async function startWebhook(options: FixtureOptions = {}): Promise<WebhookFixture> {
  const log = memoryLogger(options.logLevel ?? 'info');
  const metrics = createMetrics();
  const context = await shippedContext();
  const tls = options.tls ?? staticTlsSource(await generateSelfSigned(['127.0.0.1', 'localhost']));
  trackCertificateExpiry(metrics, tls);

  const readiness = createReadiness();
  const mutate = createMutateHandler({ context: () => context, logger: log.logger, metrics });
  const app = createApp({ mutate, readiness, metrics, logger: log.logger, extraRoutes: explainRoute(() => context) });
  const webhook = await startHttpsServer(app, {
    host: '127.0.0.1',
    port: 0,
    tls,
    logger: log.logger,
    ...(options.minVersion ? { minVersion: options.minVersion } : {}),
    ...(options.timeouts ? { timeouts: options.timeouts } : {}),
    ...(options.drainGraceMs !== undefined ? { drainGraceMs: options.drainGraceMs } : {}),
  });
  readiness.register('draining', () => !webhook.isDraining());

  return {
    webhook,
    port: webhook.port,
    ca: tls.current().cert,
    context,
    metrics,
    log,
    readiness,
    close: () => webhook.close(),
  };
}
