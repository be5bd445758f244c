import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { admit } from '../../src/admission/admit.js';
import type { InjectionContext } from '../../src/admission/inject-pod.js';
import { annotationKeys } from '../../src/injection/annotations.js';
import { ProblemCode } from '../../src/problems.js';
import { loadTemplates } from '../../src/templates/load.js';
import type { JsonObject } from '../../src/templates/types.js';
import { applyPatch, decodePatch, makeReview, shippedContext } from '../support/reviews.js';

const inject = 'sidecar-injector.io/inject';

function pod(spec: JsonObject, annotations: Record<string, string>): JsonObject {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', annotations }, spec };
}

type Spec = { initContainers?: JsonObject[]; containers: JsonObject[] };

describe('sidecar modes', () => {
  test('native sidecar is an init container', async () => {
    const subject = pod({ containers: [{ name: 'app', image: 'app' }] }, { [inject]: 'metrics-adapter' });
    const injected = applyPatch(subject, decodePatch(admit(makeReview(subject).request, await shippedContext(true)).review));
    const spec = injected.spec as Spec;
    expect(spec.initContainers!.map((c) => [c.name, c.restartPolicy])).toEqual([['metrics-adapter', 'Always']]);
    expect(spec.containers.map((c) => c.name)).toEqual(['app']);
  });

  test('Pod annotation overrides the mode', async () => {
    const subject = pod({ containers: [{ name: 'app', image: 'app' }] }, { [inject]: 'metrics-adapter', 'sidecar-injector.io/native-sidecars': 'false' });
    const injected = applyPatch(subject, decodePatch(admit(makeReview(subject).request, await shippedContext(true)).review));
    expect((injected.spec as Spec).containers.map((c) => c.name)).toEqual(['app', 'metrics-adapter']);
  });

  test('classic ambassador starts first and holds the app', async () => {
    const subject = pod({ containers: [{ name: 'app', image: 'app' }] }, { [inject]: 'ambassador', 'sidecar-injector.io/ambassador.upstream-host': 'db' });
    const injected = applyPatch(subject, decodePatch(admit(makeReview(subject).request, await shippedContext(false)).review));
    const [first, second] = (injected.spec as Spec).containers;
    expect([first!.name, second!.name]).toEqual(['ambassador', 'app']);
    expect(first!.lifecycle).toMatchObject({ postStart: { exec: { command: ['sh', '-c', expect.any(String), '5432'] } } });
    expect((second!.env as JsonObject[]).map((v) => v.name)).toEqual(['DB_HOST', 'DB_PORT']);
  });

  test('native ambassador has no postStart', async () => {
    const subject = pod({ containers: [{ name: 'app', image: 'app' }] }, { [inject]: 'ambassador', 'sidecar-injector.io/ambassador.upstream-host': 'db' });
    const injected = applyPatch(subject, decodePatch(admit(makeReview(subject).request, await shippedContext(true)).review));
    const [ambassador] = (injected.spec as Spec).initContainers!;
    expect(ambassador!.lifecycle).toBeUndefined();
    expect(ambassador!.startupProbe).toBeDefined();
  });

  test('sidecar in initContainers counts as taken', async () => {
    const spec = { initContainers: [{ name: 'log-collector', image: 'x', restartPolicy: 'Always' }], containers: [{ name: 'app', image: 'app' }] };
    const outcome = admit(makeReview(pod(spec, { [inject]: 'log-collector' })).request, await shippedContext(false));
    expect(outcome.injection?.problems.map((p) => p.code)).toEqual([ProblemCode.NameConflict]);
  });
});

describe('ports', () => {
  test('same port as an app container', async () => {
    const spec = { containers: [{ name: 'app', image: 'app', ports: [{ containerPort: 9102 }] }] };
    const outcome = admit(makeReview(pod(spec, { [inject]: 'metrics-adapter' })).request, await shippedContext());
    expect(outcome.review.response.status?.message).toBe(
      "template metrics-adapter listens on TCP port 9102, which container app already uses; set another port through the template's parameters",
    );
  });

  test('hostNetwork port clash names the node', async () => {
    const spec = { hostNetwork: true, containers: [{ name: 'app', image: 'app', ports: [{ containerPort: 24220, hostPort: 24220 }] }] };
    const outcome = admit(makeReview(pod(spec, { [inject]: 'log-collector' })).request, await shippedContext());
    expect(outcome.injection?.problems.map((p) => p.code)).toEqual([ProblemCode.PortConflict]);
    expect(outcome.review.response.status?.message).toContain('on the node (the Pod uses hostNetwork)');
  });

  test('other protocol does not clash', async () => {
    const spec = { containers: [{ name: 'app', image: 'app', ports: [{ containerPort: 9102, protocol: 'UDP' }] }] };
    const outcome = admit(makeReview(pod(spec, { [inject]: 'metrics-adapter' })).request, await shippedContext());
    expect(outcome.decision).toBe('injected');
  });
});

describe('namespace Pod Security level', () => {
  let dir: string;
  let context: InjectionContext;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'sidecar-injector-psa-'));
    await writeFile(
      path.join(dir, 'debug.yaml'),
      `apiVersion: sidecar-injector.io/v1alpha1
kind: SidecarTemplate
metadata:
  name: debug
spec:
  description: Debug shell that needs extra privileges.
  podSecurity: baseline
  containers:
    - name: debug
      image: busybox:1.37
      resources: {requests: {cpu: 1m, memory: 1Mi}, limits: {cpu: 10m, memory: 8Mi}}
      securityContext:
        capabilities:
          add: ["CHOWN"]
`,
    );
    const labels: Record<string, Record<string, string>> = {
      locked: { 'pod-security.kubernetes.io/enforce': 'restricted' },
      open: { 'pod-security.kubernetes.io/enforce': 'baseline' },
    };
    context = { templates: await loadTemplates(dir), keys: annotationKeys(), nativeSidecars: true, namespaceLabels: (ns) => labels[ns] };
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  test('restricted namespace denies', async () => {
    const outcome = admit(makeReview(pod({ containers: [{ name: 'app', image: 'app' }] }, { [inject]: 'debug' }), { namespace: 'locked' }).request, context);
    expect(outcome.injection?.problems.map((p) => p.code)).toEqual([ProblemCode.PodSecurity]);
    expect(outcome.review.response.status?.message).toMatch(/^namespace locked enforces Pod Security level "restricted", but container debug of template debug breaks it: .*capability CHOWN is added/);
  });

  test('baseline namespace admits', async () => {
    const outcome = admit(makeReview(pod({ containers: [{ name: 'app', image: 'app' }] }, { [inject]: 'debug' }), { namespace: 'open' }).request, context);
    expect(outcome.decision).toBe('injected');
  });

  test('non-root Pod gets a numeric UID', async () => {
    const subject = pod({ securityContext: { runAsNonRoot: true }, containers: [{ name: 'app', image: 'app' }] }, { [inject]: 'debug' });
    const injected = applyPatch(subject, decodePatch(admit(makeReview(subject, { namespace: 'open' }).request, context).review));
    const [debug] = (injected.spec as Spec).initContainers!;
    expect((debug!.securityContext as JsonObject).runAsUser).toBe(65532);
  });

  test('shipped templates pass restricted', async () => {
    const shipped = await shippedContext();
    const strict = { ...shipped, namespaceLabels: () => ({ 'pod-security.kubernetes.io/enforce': 'restricted' }) };
    const subject = pod({ containers: [{ name: 'app', image: 'app' }] }, {
      [inject]: 'wait-for,config-init,ambassador,log-collector,metrics-adapter',
      'sidecar-injector.io/wait-for.host': 'db',
      'sidecar-injector.io/wait-for.port': '5432',
      'sidecar-injector.io/config-init.content': 'x',
      'sidecar-injector.io/ambassador.upstream-host': 'db',
      'sidecar-injector.io/ambassador.port': '6543',
    });
    for (const nativeSidecars of [true, false]) {
      const outcome = admit(makeReview(subject).request, { ...strict, nativeSidecars });
      expect(outcome.review.response.status?.message).toBeUndefined();
    }
  });
});
