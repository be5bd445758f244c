import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { InjectionContext } from '../../src/admission/inject-pod.js';
import type { NamespaceInfo, PodSummary } from '../../src/cluster/api.js';
import { explainPod } from '../../src/explain.js';
import { loadPolicies } from '../../src/policy/load.js';
import { buildReport, formatReport } from '../../src/report.js';
import { minimalPod, shippedContext } from '../support/reviews.js';

const policy = `apiVersion: sidecar-injector.io/v1alpha1
kind: SidecarPolicy
metadata: {name: platform}
spec:
  rules:
    - name: prod-logging
      match:
        namespaceSelector: {matchLabels: {team-tier: prod}}
      default: [log-collector]
      parameters:
        log-collector:
          log-path: /var/log/service
    - name: batch-only
      match:
        serviceAccounts: [batch]
      required: [wait-for]
`;

let dir: string;
let context: InjectionContext;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'sidecar-injector-explain-'));
  await writeFile(path.join(dir, 'platform.yaml'), policy);
  const shipped = await shippedContext();
  context = {
    ...shipped,
    policy: await loadPolicies(dir, shipped.templates),
    namespaceLabels: (namespace): Record<string, string> => (namespace === 'shop' ? { 'team-tier': 'prod' } : {}),
  };
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('explainPod', () => {
  test('names rules, sources and origins', () => {
    const pod = minimalPod({ 'sidecar-injector.io/inject': 'metrics-adapter', 'sidecar-injector.io/log-collector.file-pattern': '*.txt' });
    const explanation = explainPod(pod, 'shop', context);
    expect(explanation.decision).toBe('injected');
    expect(explanation.rules).toEqual([
      { rule: 'prod-logging', source: path.join(dir, 'platform.yaml'), matched: true, reason: 'matched' },
      { rule: 'batch-only', source: path.join(dir, 'platform.yaml'), matched: false, reason: 'service account default is not one of batch' },
    ]);
    expect(explanation.templates.map((t) => [t.name, t.requestedBy])).toEqual([
      ['log-collector', 'rule prod-logging'],
      ['metrics-adapter', 'annotation'],
    ]);
    const parameters = Object.fromEntries(explanation.templates[0]!.parameters.map((p) => [p.name, p.from]));
    expect(parameters['log-path']).toBe('rule prod-logging');
    expect(parameters['file-pattern']).toBe('annotation sidecar-injector.io/log-collector.file-pattern');
    expect(parameters['image']).toBe('default');
    expect(explanation.patch.length).toBeGreaterThan(0);
  });

  test('shows opt-outs and non-matching namespaces', () => {
    const explanation = explainPod(minimalPod({ 'sidecar-injector.io/inject': '-log-collector' }), 'shop', context);
    expect(explanation.decision).toBe('not-requested');
    expect(explanation.optedOut).toEqual(['log-collector']);
    expect(explainPod(minimalPod(), 'dev', context).rules[0]!.reason).toBe('namespace labels do not match team-tier=prod');
  });
});

function summary(name: string, namespace: string, annotations: Record<string, string>, extra: Partial<PodSummary> = {}): PodSummary {
  return { namespace, name, labels: {}, annotations, phase: 'Running', containers: [{ name: 'app' }], initContainers: [], ...extra };
}

describe('buildReport', () => {
  test('finds stale and missed injections', () => {
    const current = context.templates.get('log-collector')!.hash;
    const status = (hash: string) => JSON.stringify({ templates: [{ name: 'log-collector', hash }], containers: [], initContainers: ['log-collector'], volumes: [], sidecarMode: 'native' });
    const pods = [
      summary('fresh', 'shop', { 'sidecar-injector.io/status': status(current) }),
      summary('old', 'shop', { 'sidecar-injector.io/status': status('sha256:0000') }),
      summary('missed', 'shop', {}),
      summary('opted-out', 'shop', { 'sidecar-injector.io/inject': '-log-collector' }),
      summary('job', 'dev', {}, { serviceAccountName: 'batch' }),
      summary('done', 'shop', {}, { phase: 'Succeeded' }),
    ];
    const namespaces: NamespaceInfo[] = [
      { name: 'shop', labels: { 'team-tier': 'prod' }, resourceVersion: '1' },
      { name: 'dev', labels: {}, resourceVersion: '1' },
    ];
    const findings = buildReport(pods, namespaces, { templates: context.templates, policy: context.policy! }, context.keys);
    expect(findings.map((f) => `${f.namespace}/${f.pod} ${f.kind} ${f.template}`)).toEqual([
      'dev/job missed wait-for',
      'shop/missed missed log-collector',
      'shop/old stale log-collector',
    ]);
    expect(findings[2]!.detail).toBe(`injected sha256:0000, current ${current}`);
    expect(formatReport(findings).split('\n')[0]).toMatch(/^NAMESPACE\s+POD\s+KIND\s+TEMPLATE\s+DETAIL$/);
    expect(formatReport([])).toBe('no stale or missed injections\n');
  });
});
