import { admit } from '../../src/admission/admit.js';
import { ProblemCode } from '../../src/problems.js';
import { applyPatch, decodePatch, makeReview, minimalPod, shippedContext } from '../support/reviews.js';

const inject = 'sidecar-injector.io/inject';

describe('admit skips', () => {
  test.each([
    ['a non-Pod kind', { kind: 'Deployment' }, 'not-a-pod'],
    ['DELETE', { operation: 'DELETE' }, 'not-create'],
    ['CONNECT', { operation: 'CONNECT' }, 'not-create'],
    ['UPDATE', { operation: 'UPDATE' }, 'not-create'],
    ['a subresource', { subResource: 'status' }, 'subresource'],
  ])('%s', async (_name, options, reason) => {
    const outcome = admit(makeReview(minimalPod({ [inject]: 'log-collector' }), options).request, await shippedContext());
    expect(outcome.reason).toBe(reason);
    expect(outcome.review).toEqual({
      apiVersion: 'admission.k8s.io/v1',
      kind: 'AdmissionReview',
      response: { uid: '705ab4f5-6393-11e8-b7cc-42010a800002', allowed: true },
    });
  });

  test('Pod without inject annotation', async () => {
    const outcome = admit(makeReview(minimalPod()).request, await shippedContext());
    expect(outcome.decision).toBe('not-requested');
    expect(outcome.review.response.patch).toBeUndefined();
  });
});

describe('admit injects', () => {
  test('dryRun gives the same answer', async () => {
    const context = await shippedContext();
    const pod = minimalPod({ [inject]: 'log-collector' });
    const normal = admit(makeReview(pod).request, context);
    const dryRun = admit(makeReview(pod, { dryRun: true }).request, context);
    expect(dryRun.review).toEqual(normal.review);
  });

  test('namespace comes from the request', async () => {
    const pod = minimalPod({ [inject]: 'log-collector' });
    const metadata = pod.metadata as Record<string, unknown>;
    delete metadata.name;
    metadata.generateName = 'web-';
    const outcome = admit(makeReview(pod, { namespace: 'shop' }).request, await shippedContext());
    expect(outcome.decision).toBe('injected');
    expect(outcome.review.response.patchType).toBe('JSONPatch');
  });

  test('keeps annotations the user wrote', async () => {
    const pod = minimalPod({ [inject]: 'log-collector', 'example.com/owner': 'team-a' });
    const outcome = admit(makeReview(pod).request, await shippedContext());
    const injected = applyPatch(pod, decodePatch(outcome.review));
    const annotations = (injected.metadata as { annotations: Record<string, string> }).annotations;
    expect(annotations['example.com/owner']).toBe('team-a');
    expect(annotations[inject]).toBe('log-collector');
    expect(JSON.parse(annotations['sidecar-injector.io/status']!).templates[0].name).toBe('log-collector');
  });

  test('status key is escaped', async () => {
    const pod = minimalPod({ [inject]: 'log-collector' });
    const patch = decodePatch(admit(makeReview(pod).request, await shippedContext()).review);
    expect(patch.map((op) => op.path)).toContain('/metadata/annotations/sidecar-injector.io~1status');
  });

  test('request order is kept', async () => {
    const pod = minimalPod({
      [inject]: 'config-init, wait-for',
      'sidecar-injector.io/config-init.content': 'a=b',
      'sidecar-injector.io/wait-for.host': 'db',
      'sidecar-injector.io/wait-for.port': '5432',
    });
    const injected = applyPatch(pod, decodePatch(admit(makeReview(pod).request, await shippedContext()).review));
    const names = (injected.spec as { initContainers: { name: string }[] }).initContainers.map((c) => c.name);
    expect(names).toEqual(['config-init', 'wait-for']);
  });
});

describe('admit denies', () => {
  test('unknown template lists known ones', async () => {
    const outcome = admit(makeReview(minimalPod({ [inject]: 'log-colector' })).request, await shippedContext());
    expect(outcome.decision).toBe('denied');
    expect(outcome.injection?.problems.map((p) => p.code)).toEqual([ProblemCode.UnknownTemplate]);
    expect(outcome.review.response.status?.message).toBe(
      'template "log-colector" requested by sidecar-injector.io/inject is not known; known templates: ambassador, config-init, log-collector, metrics-adapter, wait-for',
    );
    expect(outcome.review.response.status?.code).toBe(403);
    expect(outcome.review.response.patch).toBeUndefined();
  });

  test('invalid value names annotation and value', async () => {
    const pod = minimalPod({ [inject]: 'log-collector', 'sidecar-injector.io/log-collector.log-path': 'logs' });
    const outcome = admit(makeReview(pod).request, await shippedContext());
    expect(outcome.injection?.problems.map((p) => p.code)).toEqual([ProblemCode.InvalidParameter]);
    expect(outcome.review.response.status?.message).toMatch(/^annotation sidecar-injector\.io\/log-collector\.log-path is "logs"; expected an absolute path/);
  });

  test('all problems in one message', async () => {
    const pod = minimalPod({
      [inject]: 'wait-for, nope',
      'sidecar-injector.io/wait-for.port': '70000',
      'sidecar-injector.io/wait-for.colour': 'blue',
    });
    const outcome = admit(makeReview(pod).request, await shippedContext());
    const codes = outcome.injection?.problems.map((p) => p.code).sort();
    expect(codes).toEqual(
      [ProblemCode.InvalidParameter, ProblemCode.MissingParameter, ProblemCode.UnknownParameter, ProblemCode.UnknownTemplate].sort(),
    );
    const message = outcome.review.response.status?.message ?? '';
    expect(message).toContain('(1) ');
    expect(message).toContain('(4) ');
    expect(message).toContain('"70000"');
    expect(message).toContain('sidecar-injector.io/wait-for.host');
    expect(message).toContain('"colour"');
  });

  test('bad native-sidecars override', async () => {
    const pod = minimalPod({ [inject]: 'log-collector', 'sidecar-injector.io/native-sidecars': 'yes' });
    const outcome = admit(makeReview(pod).request, await shippedContext());
    expect(outcome.review.response.status?.message).toBe('annotation sidecar-injector.io/native-sidecars is "yes"; expected "true" or "false"');
  });
});

describe('admit warns', () => {
  test('parameter of a template not requested', async () => {
    const pod = minimalPod({ [inject]: 'log-collector', 'sidecar-injector.io/wait-for.host': 'db' });
    const outcome = admit(makeReview(pod).request, await shippedContext());
    expect(outcome.decision).toBe('injected');
    expect(outcome.review.response.warnings).toEqual([
      'annotation sidecar-injector.io/wait-for.host is ignored: template wait-for is not injected into this Pod',
    ]);
  });
});
