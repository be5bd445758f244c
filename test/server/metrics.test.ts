import { certificateNotAfter } from '../../src/tls/key-pair.js';
import { send, postJson } from './support/https-client.js';
import { pod, review } from './support/reviews.js';
import { startWebhook, type WebhookFixture } from './support/webhook-fixture.js';

let fixture: WebhookFixture;
let scrape: string;
let contentType: string | undefined;

/** Returns the value of one sample line such as `name{label="x"} 3`. */
function sample(name: string, labels: Record<string, string> = {}): number | undefined {
  const wanted = Object.entries(labels).map(([key, value]) => `${key}="${value}"`);
  for (const line of scrape.split('\n')) {
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) {
      continue;
    }
    const present = match[2] ? match[2].split(',') : [];
    if (wanted.length === present.length && wanted.every((label) => present.includes(label))) {
      return Number(match[3]);
    }
  }
  return undefined;
}

beforeAll(async () => {
  fixture = await startWebhook();
  const json = { 'Content-Type': 'application/json' };
  const admissions = [
    review({ object: pod({ 'sidecar-injector.io/inject': 'log-collector' }) }),
    review({ object: pod({ 'sidecar-injector.io/inject': 'log-collector,wait-for', 'sidecar-injector.io/wait-for.host': 'db', 'sidecar-injector.io/wait-for.port': '5432' }) }),
    review({ object: pod({ 'sidecar-injector.io/inject': 'nope' }) }),
    review(),
    review({ kind: { group: '', version: 'v1', kind: 'Secret' }, object: {} }),
  ];
  for (const body of admissions) {
    expect((await postJson(fixture.port, fixture.ca, body)).status).toBe(200);
  }
  expect((await send({ port: fixture.port, ca: fixture.ca, body: 'nonsense', headers: json })).status).toBe(400);
  expect((await send({ port: fixture.port, ca: fixture.ca, body: '{}', headers: { 'Content-Type': 'text/plain' } })).status).toBe(415);

  const res = await send({ port: fixture.port, ca: fixture.ca, method: 'GET', path: '/metrics' });
  expect(res.status).toBe(200);
  scrape = res.body;
  contentType = res.headers['content-type'];
});

afterAll(async () => {
  await fixture.close();
});

describe('GET /metrics', () => {
  test('Prometheus text format', () => {
    expect(contentType).toMatch(/^text\/plain; version=0\.0\.4/);
  });

  test('admissions by decision, template and reason', () => {
    const admissions = 'sidecar_injector_admissions_total';
    expect(sample(admissions, { decision: 'injected', template: 'log-collector', reason: 'injected' })).toBe(2);
    expect(sample(admissions, { decision: 'injected', template: 'wait-for', reason: 'injected' })).toBe(1);
    expect(sample(admissions, { decision: 'denied', template: '', reason: 'UnknownTemplate' })).toBe(1);
    expect(sample(admissions, { decision: 'not-requested', template: '', reason: 'not-requested' })).toBe(1);
    expect(sample(admissions, { decision: 'skipped', template: '', reason: 'not-a-pod' })).toBe(1);
  });

  test('handler duration histogram', () => {
    const histogram = 'sidecar_injector_handler_duration_seconds';
    expect(sample(`${histogram}_count`, { decision: 'injected' })).toBe(2);
    expect(sample(`${histogram}_count`, { decision: 'denied' })).toBe(1);
    expect(sample(`${histogram}_bucket`, { decision: 'injected', le: '+Inf' })).toBe(2);
    expect(sample(`${histogram}_sum`, { decision: 'injected' })).toBeGreaterThan(0);
  });

  test('invalid requests by status', () => {
    expect(sample('sidecar_injector_invalid_requests_total', { code: '400' })).toBe(1);
    expect(sample('sidecar_injector_invalid_requests_total', { code: '415' })).toBe(1);
  });

  test('load errors start at zero', () => {
    expect(sample('sidecar_injector_load_errors_total', { kind: 'template' })).toBe(0);
    expect(sample('sidecar_injector_load_errors_total', { kind: 'policy' })).toBe(0);
  });

  test('certificate expiry', () => {
    const expected = certificateNotAfter(fixture.ca).getTime() / 1000;
    expect(sample('sidecar_injector_certificate_expiry_timestamp_seconds')).toBe(expected);
  });

  test('event-loop delay', () => {
    expect(sample('nodejs_eventloop_lag_p99_seconds')).toBeGreaterThanOrEqual(0);
    expect(sample('nodejs_eventloop_lag_seconds')).toBeGreaterThanOrEqual(0);
  });
});
