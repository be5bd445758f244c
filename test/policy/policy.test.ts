import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { admit } from '../../src/admission/admit.js';
import type { InjectionContext } from '../../src/admission/inject-pod.js';
import { loadPolicies, PolicyLoadError } from '../../src/policy/load.js';
import { matchesSelector } from '../../src/policy/selector.js';
import type { JsonObject } from '../../src/templates/types.js';
import { applyPatch, decodePatch, makeReview, shippedContext } from '../support/reviews.js';

const policyFile = `apiVersion: sidecar-injector.io/v1alpha1
kind: SidecarPolicy
metadata:
  name: platform
spec:
  rules:
    - name: prod-logging
      match:
        namespaceSelector:
          matchLabels: {team-tier: prod}
      default: [log-collector]
      parameters:
        log-collector:
          image: {value: "registry.example.com/mirror/fluentd:v1.17-1", locked: true}
          log-path: /var/log/service
    - name: audited-payments
      match:
        namespaces: [payments]
        podSelector:
          matchExpressions:
            - {key: app, operator: In, values: [checkout, ledger]}
      required: [log-collector]
    - name: ambassador-only-in-payments
      match:
        namespaceSelector:
          matchExpressions:
            - {key: kubernetes.io/metadata.name, operator: NotIn, values: [payments]}
      forbidden: [ambassador]
    - name: batch-allow-list
      match:
        serviceAccounts: [batch-runner]
      allowed: [wait-for]
`;

const namespaces: Record<string, Record<string, string>> = {
  shop: { 'team-tier': 'prod', 'kubernetes.io/metadata.name': 'shop' },
  payments: { 'team-tier': 'prod', 'kubernetes.io/metadata.name': 'payments' },
  sandbox: { 'kubernetes.io/metadata.name': 'sandbox' },
};

let dir: string;
let context: InjectionContext;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'sidecar-injector-policy-'));
  await writeFile(path.join(dir, 'platform.yaml'), policyFile);
  const shipped = await shippedContext();
  context = { ...shipped, policy: await loadPolicies(dir, shipped.templates), namespaceLabels: (ns) => namespaces[ns] };
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function pod(annotations: Record<string, string> = {}, labels: Record<string, string> = {}, serviceAccountName?: string): JsonObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'p', labels, annotations },
    spec: { ...(serviceAccountName ? { serviceAccountName } : {}), containers: [{ name: 'app', image: 'app' }] },
  };
}

function run(subject: JsonObject, namespace: string) {
  return admit(makeReview(subject, { namespace }).request, context);
}

function injectedNames(subject: JsonObject, namespace: string): string[] {
  const outcome = run(subject, namespace);
  const injected = applyPatch(subject, decodePatch(outcome.review));
  const spec = injected.spec as { initContainers?: { name: string }[] };
  return (spec.initContainers ?? []).map((container) => container.name);
}

describe('rules', () => {
  test.each([
    ['default in a prod namespace', pod(), 'shop', ['log-collector']],
    ['no rule in sandbox', pod(), 'sandbox', []],
    ['opt-out of a default', pod({ 'sidecar-injector.io/inject': '-log-collector' }), 'shop', []],
    ['annotation adds to defaults', pod({ 'sidecar-injector.io/inject': 'metrics-adapter' }), 'shop', ['log-collector', 'metrics-adapter']],
  ])('%s', (_name, subject, namespace, expected) => {
    expect(injectedNames(subject, namespace)).toEqual(expected);
  });

  test('rule parameters apply', () => {
    const subject = pod();
    const injected = applyPatch(subject, decodePatch(run(subject, 'shop').review));
    const [collector] = (injected.spec as { initContainers: JsonObject[] }).initContainers;
    expect(collector!.image).toBe('registry.example.com/mirror/fluentd:v1.17-1');
    expect((collector!.volumeMounts as JsonObject[])[0]!.mountPath).toBe('/var/log/service');
  });

  test('annotation overrides unlocked parameter', () => {
    const subject = pod({ 'sidecar-injector.io/log-collector.log-path': '/logs' });
    const injected = applyPatch(subject, decodePatch(run(subject, 'shop').review));
    const [collector] = (injected.spec as { initContainers: JsonObject[] }).initContainers;
    expect((collector!.volumeMounts as JsonObject[])[0]!.mountPath).toBe('/logs');
  });

  test('locked parameter is denied', () => {
    const outcome = run(pod({ 'sidecar-injector.io/log-collector.image': 'fluent/fluentd:latest' }), 'shop');
    expect(outcome.review.response.status?.message).toBe(
      'annotation sidecar-injector.io/log-collector.image is "fluent/fluentd:latest", but rule prod-logging locks log-collector.image to "registry.example.com/mirror/fluentd:v1.17-1"; remove the annotation',
    );
  });

  test('opt-out of required is denied', () => {
    const outcome = run(pod({ 'sidecar-injector.io/inject': '-log-collector' }, { app: 'checkout' }), 'payments');
    expect(outcome.review.response.status?.message).toBe(
      'rule audited-payments requires template log-collector, so the opt-out -log-collector in sidecar-injector.io/inject is not allowed; remove it',
    );
  });

  test('forbidden template is denied', () => {
    const outcome = run(pod({ 'sidecar-injector.io/inject': 'ambassador', 'sidecar-injector.io/ambassador.upstream-host': 'db' }), 'sandbox');
    expect(outcome.review.response.status?.message).toBe(
      'template ambassador is forbidden for this Pod by rule ambassador-only-in-payments; remove it from sidecar-injector.io/inject',
    );
  });

  test('forbidden elsewhere is allowed here', () => {
    const outcome = run(pod({ 'sidecar-injector.io/inject': 'ambassador', 'sidecar-injector.io/ambassador.upstream-host': 'db' }), 'payments');
    expect(outcome.decision).toBe('injected');
  });

  test('allow list is enforced', () => {
    const outcome = run(pod({ 'sidecar-injector.io/inject': 'metrics-adapter' }, {}, 'batch-runner'), 'sandbox');
    expect(outcome.review.response.status?.message).toBe(
      'template metrics-adapter is not allowed for this Pod by rule batch-allow-list, which allows only: wait-for; remove it from sidecar-injector.io/inject',
    );
  });

  test('useless opt-out warns', () => {
    const outcome = run(pod({ 'sidecar-injector.io/inject': '-ambassador' }), 'sandbox');
    expect(outcome.review.response.warnings).toEqual([
      'opt-out -ambassador in sidecar-injector.io/inject has no effect: no rule adds template ambassador to this Pod',
    ]);
  });

  test('rule template with admit policy is skipped', () => {
    const subject = pod({}, {});
    (subject.spec as { containers: JsonObject[] }).containers.push({ name: 'log-collector', image: 'fluentd' });
    const outcome = run(subject, 'shop');
    expect(outcome.decision).toBe('skipped');
    expect(outcome.review.response.allowed).toBe(true);
    expect(outcome.review.response.warnings?.[0]).toMatch(/^template log-collector \(added by rule prod-logging\) is not injected: template log-collector adds container "log-collector"/);
  });

  test('requested template still denies', () => {
    const subject = pod({ 'sidecar-injector.io/inject': 'log-collector' });
    (subject.spec as { containers: JsonObject[] }).containers.push({ name: 'log-collector', image: 'fluentd' });
    expect(run(subject, 'sandbox').decision).toBe('denied');
  });

  test('unknown namespace labels warn', () => {
    const outcome = run(pod(), 'brand-new');
    expect(outcome.decision).toBe('not-requested');
    expect(outcome.review.response.warnings).toEqual([
      'labels of namespace brand-new are not known yet, so namespaceSelector rules saw only kubernetes.io/metadata.name',
    ]);
  });
});

describe('label selectors', () => {
  test.each([
    [{ matchLabels: { a: '1' } }, { a: '1', b: '2' }, true],
    [{ matchLabels: { a: '1' } }, { a: '2' }, false],
    [{ matchExpressions: [{ key: 'a', operator: 'In' as const, values: ['1', '2'] }] }, { a: '2' }, true],
    [{ matchExpressions: [{ key: 'a', operator: 'NotIn' as const, values: ['1'] }] }, {}, true],
    [{ matchExpressions: [{ key: 'a', operator: 'Exists' as const }] }, {}, false],
    [{ matchExpressions: [{ key: 'a', operator: 'DoesNotExist' as const }] }, {}, true],
    [{}, { anything: 'x' }, true],
  ])('%j on %j is %s', (selector, labels, expected) => {
    expect(matchesSelector(selector, labels)).toBe(expected);
  });
});

describe('loadPolicies', () => {
  test('unknown template has a position', async () => {
    const bad = await mkdtemp(path.join(tmpdir(), 'sidecar-injector-policy-bad-'));
    try {
      await writeFile(path.join(bad, 'p.yaml'), policyFile.replace('default: [log-collector]', 'default: [log-colector]'));
      const error = await loadPolicies(bad, (await shippedContext()).templates).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(PolicyLoadError);
      expect((error as PolicyLoadError).errors.map((e) => `${e.line}:${e.column}: ${e.message}`)).toEqual([
        '11:17: rule prod-logging names unknown template "log-colector" in default; known templates: ambassador, config-init, log-collector, metrics-adapter, wait-for',
      ]);
    } finally {
      await rm(bad, { recursive: true, force: true });
    }
  });

  test('unknown field is rejected', async () => {
    const bad = await mkdtemp(path.join(tmpdir(), 'sidecar-injector-policy-bad-'));
    try {
      await writeFile(path.join(bad, 'p.yaml'), policyFile.replace('      default: [log-collector]', '      defaults: [log-collector]'));
      const error = (await loadPolicies(bad, (await shippedContext()).templates).catch((e: unknown) => e)) as PolicyLoadError;
      expect(error.errors[0]?.message).toBe('spec.rules.0 must NOT have additional properties (defaults)');
      expect(error.errors[0]?.line).toBe(11);
    } finally {
      await rm(bad, { recursive: true, force: true });
    }
  });
});
