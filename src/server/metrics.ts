import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { TlsSource } from '../tls/tls-source.js';

/** The webhook's Prometheus metrics, in a registry of their own. */
export interface Metrics {
  readonly registry: Registry;
  /** Admissions by decision, template and reason. A request without templates counts once with template="". */
  readonly admissions: Counter<'decision' | 'template' | 'reason'>;
  /** Time spent in the /mutate handler, from the request's arrival (body read included) to the response. */
  readonly handlerDuration: Histogram<'decision'>;
  /** Template or policy files that failed to load, by kind. */
  readonly loadErrors: Counter<'kind'>;
  /** Expiry of the serving certificate, as a Unix time in seconds. */
  readonly certificateExpiry: Gauge;
  /** Templates the injector skipped under their `admit` failure policy. */
  readonly skippedTemplates: Counter<'template' | 'reason'>;
  /** /mutate requests rejected with an HTTP error (400, 413, 415) instead of a review, by status code. */
  readonly invalidRequests: Counter<'code'>;
}

/**
 * Creates the metrics. Node's default metrics are included; among them
 * nodejs_eventloop_lag_seconds and the event-loop delay percentiles
 * (nodejs_eventloop_lag_p99_seconds and others).
 */
export function createMetrics(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, eventLoopMonitoringPrecision: 10 });
  const metrics = {
    registry,
    admissions: new Counter({
      name: 'sidecar_injector_admissions_total',
      help: 'Admission responses sent, by decision, template and reason.',
      labelNames: ['decision', 'template', 'reason'],
      registers: [registry],
    }),
    handlerDuration: new Histogram({
      name: 'sidecar_injector_handler_duration_seconds',
      help: 'Time to process one admission request inside the process.',
      labelNames: ['decision'],
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
      registers: [registry],
    }),
    loadErrors: new Counter({
      name: 'sidecar_injector_load_errors_total',
      help: 'Template or policy loads rejected as invalid, by kind.',
      labelNames: ['kind'],
      registers: [registry],
    }),
    certificateExpiry: new Gauge({
      name: 'sidecar_injector_certificate_expiry_timestamp_seconds',
      help: 'Expiry time of the serving certificate in use, in Unix seconds.',
      registers: [registry],
    }),
    skippedTemplates: new Counter({
      name: 'sidecar_injector_skipped_templates_total',
      help: 'Templates left out of a Pod under their admit failure policy, by reason.',
      labelNames: ['template', 'reason'],
      registers: [registry],
    }),
    invalidRequests: new Counter({
      name: 'sidecar_injector_invalid_requests_total',
      help: 'Requests to /mutate rejected before admission, by HTTP status code.',
      labelNames: ['code'],
      registers: [registry],
    }),
  };
  // Known label values start at 0, so that rate() and alerts see the series before the first error.
  metrics.loadErrors.inc({ kind: 'template' }, 0);
  metrics.loadErrors.inc({ kind: 'policy' }, 0);
  return metrics;
}

/** Sets the certificate expiry gauge from the TLS source now and after every reload. */
export function trackCertificateExpiry(metrics: Metrics, tls: TlsSource): void {
  const update = () => metrics.certificateExpiry.set(tls.notAfter().getTime() / 1000);
  update();
  tls.onChange(update);
}
