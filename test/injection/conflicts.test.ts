import { admit } from '../../src/admission/admit.js';
import { ProblemCode } from '../../src/problems.js';
import type { JsonObject } from '../../src/templates/types.js';
import { applyPatch, decodePatch, makeReview, shippedContext } from '../support/reviews.js';

const inject = 'sidecar-injector.io/inject';

function pod(spec: JsonObject, annotations: Record<string, string>): JsonObject {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', annotations }, spec };
}

async function run(subject: JsonObject) {
  return admit(makeReview(subject).request, await shippedContext());
}

describe('conflicts', () => {
  test('container name taken', async () => {
    const outcome = await run(pod({ containers: [{ name: 'log-collector', image: 'fluentd' }] }, { [inject]: 'log-collector' }));
    expect(outcome.injection?.problems.map((p) => p.code)).toEqual([ProblemCode.NameConflict]);
    expect(outcome.review.response.status?.message).toBe(
      'template log-collector adds container "log-collector", but the Pod already has a container of that name; rename the Pod\'s container or stop injecting log-collector',
    );
  });

  test('init container name taken', async () => {
    const spec = { initContainers: [{ name: 'wait-for', image: 'busybox' }], containers: [{ name: 'app', image: 'app' }] };
    const outcome = await run(pod(spec, { [inject]: 'wait-for', 'sidecar-injector.io/wait-for.host': 'db', 'sidecar-injector.io/wait-for.port': '1' }));
    expect(outcome.injection?.problems.map((p) => p.code)).toEqual([ProblemCode.NameConflict]);
  });

  test('different volume of the same name', async () => {
    const spec = { containers: [{ name: 'app', image: 'app' }], volumes: [{ name: 'log-collector-logs', hostPath: { path: '/var/log' } }] };
    const outcome = await run(pod(spec, { [inject]: 'log-collector' }));
    expect(outcome.injection?.problems.map((p) => p.code)).toEqual([ProblemCode.VolumeConflict]);
  });

  test('identical volume is shared', async () => {
    const volume = { name: 'log-collector-state', emptyDir: { sizeLimit: '64Mi' } };
    const subject = pod({ containers: [{ name: 'app', image: 'app' }], volumes: [volume] }, { [inject]: 'log-collector' });
    const outcome = await run(subject);
    expect(outcome.decision).toBe('injected');
    const injected = applyPatch(subject, decodePatch(outcome.review));
    const names = (injected.spec as { volumes: { name: string }[] }).volumes.map((v) => v.name);
    expect(names).toEqual(['log-collector-state', 'log-collector-logs']);
  });

  test('mount path already used', async () => {
    const spec = {
      containers: [{ name: 'app', image: 'app', volumeMounts: [{ name: 'data', mountPath: '/var/log/app' }] }],
      volumes: [{ name: 'data', emptyDir: {} }],
    };
    const outcome = await run(pod(spec, { [inject]: 'log-collector' }));
    expect(outcome.injection?.problems.map((p) => p.code)).toEqual([ProblemCode.MountConflict]);
    expect(outcome.review.response.status?.message).toContain('in container app, but that container already mounts "data" there');
  });

  test('two templates, same mount path', async () => {
    const spec = { containers: [{ name: 'app', image: 'app' }] };
    const outcome = await run(
      pod(spec, {
        [inject]: 'log-collector, metrics-adapter',
        'sidecar-injector.io/metrics-adapter.metrics-path': '/var/log/app',
      }),
    );
    expect(outcome.injection?.problems.map((p) => p.code)).toEqual([ProblemCode.MountConflict]);
  });

  test('env var set by the user is kept', async () => {
    const spec = { containers: [{ name: 'app', image: 'app', env: [{ name: 'DB_HOST', value: 'db.internal' }] }] };
    const subject = pod(spec, { [inject]: 'ambassador', 'sidecar-injector.io/ambassador.upstream-host': 'db.internal' });
    const outcome = await run(subject);
    expect(outcome.decision).toBe('injected');
    expect(outcome.review.response.warnings).toEqual([
      'container app already sets DB_HOST; its value is kept and template ambassador does not set it',
    ]);
    const injected = applyPatch(subject, decodePatch(outcome.review));
    const env = (injected.spec as { containers: { env: unknown[] }[] }).containers[0]!.env;
    expect(env).toEqual([
      { name: 'DB_HOST', value: 'db.internal' },
      { name: 'DB_PORT', value: '5432' },
    ]);
  });

  test('unknown app container selected', async () => {
    const spec = { containers: [{ name: 'app', image: 'app' }] };
    const outcome = await run(pod(spec, { [inject]: 'log-collector', 'sidecar-injector.io/log-collector.containers': 'web' }));
    expect(outcome.review.response.status?.message).toBe(
      'template log-collector selects app container "web", which the Pod does not have; its containers are: app',
    );
  });
});

describe('missing lists', () => {
  test('added whole, never appended', async () => {
    const subject = pod({ containers: [{ name: 'app', image: 'app' }] }, { [inject]: 'config-init', 'sidecar-injector.io/config-init.content': 'x' });
    const patch = decodePatch((await run(subject)).review);
    expect(patch.map((op) => op.path)).toEqual([
      '/spec/containers/0/volumeMounts',
      '/spec/volumes',
      '/spec/initContainers',
      '/metadata/annotations/sidecar-injector.io~1status',
    ]);
  });

  test('existing lists are appended to', async () => {
    const spec = {
      initContainers: [{ name: 'migrate', image: 'm' }],
      containers: [{ name: 'app', image: 'app', volumeMounts: [{ name: 'v', mountPath: '/v' }] }],
      volumes: [{ name: 'v', emptyDir: {} }],
    };
    const patch = decodePatch((await run(pod(spec, { [inject]: 'config-init', 'sidecar-injector.io/config-init.content': 'x' }))).review);
    expect(patch.map((op) => op.path)).toEqual([
      '/spec/containers/0/volumeMounts/-',
      '/spec/volumes/-',
      '/spec/initContainers/0',
      '/metadata/annotations/sidecar-injector.io~1status',
    ]);
  });
});

describe('malformed Pods', () => {
  test.each([
    ['no spec', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', annotations: { [inject]: 'log-collector' } } }, 'the Pod has no spec object'],
    ['empty containers', pod({ containers: [] }, { [inject]: 'log-collector' }), 'spec.containers must be a non-empty list of containers'],
    ['env as an object', pod({ containers: [{ name: 'app', image: 'app', env: { A: '1' } }] }, { [inject]: 'ambassador', 'sidecar-injector.io/ambassador.upstream-host': 'db' }), 'spec.containers[0].env must be a list'],
    ['volumes as an object', pod({ containers: [{ name: 'app', image: 'app' }], volumes: {} }, { [inject]: 'log-collector' }), 'spec.volumes must be a list'],
  ])('%s is denied', async (_name, subject, message) => {
    const outcome = await run(subject as JsonObject);
    expect(outcome.injection?.problems.map((p) => p.code)).toEqual([ProblemCode.InvalidPod]);
    expect(outcome.review.response.status?.message).toBe(`${message}; fix the Pod's manifest`);
  });
});

describe('parameter checks after rendering', () => {
  test('request above limit is denied', async () => {
    const outcome = await run(
      pod({ containers: [{ name: 'app', image: 'app' }] }, {
        [inject]: 'log-collector',
        'sidecar-injector.io/log-collector.memory-request': '1Gi',
        'sidecar-injector.io/log-collector.memory-limit': '128Mi',
      }),
    );
    expect(outcome.review.response.status?.message).toBe(
      "template log-collector requests 1Gi of memory for container log-collector, above its limit 128Mi; set the template's memory request and limit parameters so that the request is at most the limit",
    );
  });

  test('negative quantity is invalid', async () => {
    const outcome = await run(pod({ containers: [{ name: 'app', image: 'app' }] }, { [inject]: 'log-collector', 'sidecar-injector.io/log-collector.memory-limit': '-1Gi' }));
    expect(outcome.review.response.status?.message).toContain('is "-1Gi"; expected a non-negative Kubernetes quantity');
  });

  test('trailing slash is the same mount path', async () => {
    const spec = {
      containers: [{ name: 'app', image: 'app', volumeMounts: [{ name: 'data', mountPath: '/var/log/app/' }] }],
      volumes: [{ name: 'data', emptyDir: {} }],
    };
    const outcome = await run(pod(spec, { [inject]: 'log-collector' }));
    expect(outcome.injection?.problems.map((p) => p.code)).toEqual([ProblemCode.MountConflict]);
  });

  test('long values are shortened in messages', async () => {
    const outcome = await run(pod({ containers: [{ name: 'app', image: 'app' }] }, { [inject]: 'wait-for', 'sidecar-injector.io/wait-for.host': 'x'.repeat(100_000), 'sidecar-injector.io/wait-for.port': '1' }));
    const message = outcome.review.response.status?.message ?? '';
    expect(message).toContain('... (100000 characters)');
    expect(message.length).toBeLessThan(400);
  });
});

describe('unknown annotations', () => {
  test('misspelt inject warns', async () => {
    const outcome = await run(pod({ containers: [{ name: 'app', image: 'app' }] }, { 'sidecar-injector.io/injct': 'log-collector', 'sidecar-injector.io/log-path': '/x' }));
    expect(outcome.decision).toBe('not-requested');
    expect(outcome.review.response.warnings).toEqual([
      'annotation sidecar-injector.io/injct is not known and is ignored; under sidecar-injector.io/ the injector reads inject, native-sidecars and <template>.<parameter>',
      'annotation sidecar-injector.io/log-path is not known and is ignored; under sidecar-injector.io/ the injector reads inject, native-sidecars and <template>.<parameter>',
    ]);
  });
});
