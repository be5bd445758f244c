// Generates the AdmissionReview bodies the benchmark sends: CREATE of a Pod
// as kube-apiserver sends it to a mutating webhook, after defaulting, with the
// inject annotation requesting two shipped templates. Deterministic: the same
// code always produces the same bytes, so nothing large is committed.

/** The inject annotation every input carries. */
export const INJECT_ANNOTATION = { 'sidecar-injector.io/inject': 'log-collector, metrics-adapter' };

/** Size of the 3 MiB input, which is kube-apiserver's default request body limit. */
const THREE_MIB = 3 * 1024 * 1024;

/** Returns a deterministic pseudo-random hex string, so that values do not repeat. */
function hex(seed, length) {
  let state = (seed * 2654435761) >>> 0;
  let text = '';
  while (text.length < length) {
    state = (state * 1103515245 + 12345) >>> 0;
    text += state.toString(16).padStart(8, '0');
  }
  return text.slice(0, length);
}

/** Builds one env var. Every fifth reads a Secret and every seventh the downward API, as in real Pods. */
function envVar(container, index, valueLength) {
  const name = `${container.toUpperCase().replaceAll('-', '_')}_SETTING_${index}`;
  if (index % 5 === 4) {
    return { name, valueFrom: { secretKeyRef: { name: `${container}-secrets`, key: `key-${index}` } } };
  }
  if (index % 7 === 6) {
    return { name, valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } } };
  }
  return { name, value: `${index}-${hex(index + container.length, Math.max(valueLength - 4, 4))}` };
}

function probe(kind, port, index) {
  const common = { timeoutSeconds: 1, periodSeconds: 10, successThreshold: 1, failureThreshold: 3 };
  if (kind === 'http') {
    return { httpGet: { path: '/healthz', port, scheme: 'HTTP' }, initialDelaySeconds: 5, ...common };
  }
  if (kind === 'tcp') {
    return { tcpSocket: { port }, initialDelaySeconds: 10, ...common };
  }
  return { exec: { command: ['/bin/sh', '-c', `test -f /tmp/ready-${index}`] }, ...common };
}

/** Builds the container of the smallest realistic Pod: one probe and one mount. */
function compactContainer(name, envCount) {
  return {
    name,
    image: `registry.example.com/shop/${name}:1.0.3`,
    imagePullPolicy: 'IfNotPresent',
    ports: [{ name: 'http', containerPort: 8080, protocol: 'TCP' }],
    env: Array.from({ length: envCount }, (_unused, envIndex) => envVar(name, envIndex, 24)),
    resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { memory: '256Mi' } },
    volumeMounts: [{ name: 'config', mountPath: '/etc/app', readOnly: true }],
    readinessProbe: probe('http', 8080, 0),
    terminationMessagePath: '/dev/termination-log',
    terminationMessagePolicy: 'File',
  };
}

/** Builds a container as kube-apiserver sends it after defaulting. */
function container(name, index, shape, envCount) {
  if (shape.compact) {
    return compactContainer(name, envCount);
  }
  const port = 8080 + index;
  return {
    name,
    image: `registry.example.com/shop/${name}:1.${index}.3@sha256:${hex(index + 99, 64)}`,
    imagePullPolicy: 'IfNotPresent',
    command: ['/app/bin/server'],
    args: ['--port', String(port), '--config', '/etc/app/config.yaml', ...(shape.argText ? ['--inline-config', shape.argText] : [])],
    ports: [
      { name: 'http', containerPort: port, protocol: 'TCP' },
      { name: 'admin', containerPort: 9000 + index, protocol: 'TCP' },
    ],
    env: Array.from({ length: envCount }, (_unused, envIndex) => envVar(name, envIndex, shape.envValueLength)),
    envFrom: [{ configMapRef: { name: `${name}-config` } }],
    resources: { requests: { cpu: '250m', memory: '256Mi' }, limits: { cpu: '1', memory: '512Mi' } },
    volumeMounts: [
      { name: 'config', mountPath: '/etc/app', readOnly: true },
      { name: 'kube-api-access-x7k2p', mountPath: '/var/run/secrets/kubernetes.io/serviceaccount', readOnly: true },
      ...Array.from({ length: shape.extraMounts }, (_unused, mountIndex) => ({ name: `data-${mountIndex}`, mountPath: `/data/${name}/${mountIndex}` })),
    ],
    livenessProbe: probe('http', port, index),
    readinessProbe: probe(index % 2 === 0 ? 'tcp' : 'exec', port, index),
    startupProbe: probe('http', port, index),
    lifecycle: { preStop: { exec: { command: ['/bin/sh', '-c', 'sleep 5'] } } },
    securityContext: { runAsNonRoot: true, runAsUser: 10001, allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } },
    terminationMessagePath: '/dev/termination-log',
    terminationMessagePolicy: 'File',
  };
}

function volumes(shape) {
  if (shape.compact) {
    return [{ name: 'config', configMap: { name: 'checkout-config', defaultMode: 420 } }];
  }
  return [
    { name: 'config', configMap: { name: 'checkout-config', defaultMode: 420 } },
    {
      name: 'kube-api-access-x7k2p',
      projected: {
        defaultMode: 420,
        sources: [
          { serviceAccountToken: { expirationSeconds: 3607, path: 'token' } },
          { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
          { downwardAPI: { items: [{ path: 'namespace', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } }] } },
        ],
      },
    },
    ...Array.from({ length: shape.extraMounts }, (_unused, index) => ({ name: `data-${index}`, emptyDir: { sizeLimit: '1Gi' } })),
  ];
}

/**
 * Builds a Pod from a shape with these fields:
 * - `containers`, `initContainers`: counts;
 * - `env`: env vars per container, or a function of the container index;
 * - `envValueLength`: length of each plain env value;
 * - `extraMounts`: emptyDir volumes mounted in every container;
 * - `argText`: an inline config passed as an argument;
 * - `compact`: the smallest realistic Pod, with one probe, one mount, no owner
 *   and no tolerations.
 */
export function buildPod(shape) {
  const envFor = typeof shape.env === 'function' ? shape.env : () => shape.env;
  const names = ['checkout', 'cache-warmer', 'payment-client', 'audit-shipper', 'feature-flags', 'pricing', 'inventory', 'mailer'];
  const nameOf = (prefix, index) => `${prefix}${names[index % names.length]}${index >= names.length ? `-${index}` : ''}`;
  const hash = hex(7, 10);
  return {
    kind: 'Pod',
    apiVersion: 'v1',
    metadata: {
      generateName: `checkout-${hash}-`,
      namespace: 'shop',
      uid: '5f0c9a4e-7d0b-4d59-9a43-3c1e2b7a8f10',
      creationTimestamp: null,
      labels: {
        'app.kubernetes.io/name': 'checkout',
        'app.kubernetes.io/part-of': 'shop',
        'app.kubernetes.io/version': '1.42.0',
        'pod-template-hash': hash,
      },
      annotations: { ...INJECT_ANNOTATION, 'prometheus.io/scrape': 'true', 'kubectl.kubernetes.io/restartedAt': '2025-03-01T09:30:00Z' },
      ...(shape.compact ? {} : { ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: `checkout-${hash}`, uid: '0b7e6c1d-25a4-4c8e-9c57-61f2a0d3e9b4', controller: true, blockOwnerDeletion: true }] }),
    },
    spec: {
      volumes: volumes(shape),
      initContainers: Array.from({ length: shape.initContainers }, (_unused, index) => container(nameOf('init-', index), index, shape, 2)),
      containers: Array.from({ length: shape.containers }, (_unused, index) => container(nameOf('', index), index, shape, envFor(index))),
      restartPolicy: 'Always',
      terminationGracePeriodSeconds: 30,
      dnsPolicy: 'ClusterFirst',
      serviceAccountName: 'checkout',
      serviceAccount: 'checkout',
      securityContext: { fsGroup: 10001, seccompProfile: { type: 'RuntimeDefault' } },
      schedulerName: 'default-scheduler',
      tolerations: shape.compact ? [] : [
        { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
        { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
      ],
      priority: 0,
      enableServiceLinks: true,
      preemptionPolicy: 'PreemptLowerPriority',
    },
    status: {},
  };
}

/** Wraps a Pod in an AdmissionReview v1 request for CREATE, as kube-apiserver sends it. */
export function buildReview(pod) {
  return {
    apiVersion: 'admission.k8s.io/v1',
    kind: 'AdmissionReview',
    request: {
      uid: '1b7c4f3e-9a2d-4e6b-8c15-7f0a3d9e2b41',
      kind: { group: '', version: 'v1', kind: 'Pod' },
      resource: { group: '', version: 'v1', resource: 'pods' },
      requestKind: { group: '', version: 'v1', kind: 'Pod' },
      requestResource: { group: '', version: 'v1', resource: 'pods' },
      namespace: 'shop',
      operation: 'CREATE',
      userInfo: {
        username: 'system:serviceaccount:kube-system:replicaset-controller',
        uid: '3d2f1e0c-8b7a-4c6d-9e5f-1a2b3c4d5e6f',
        groups: ['system:serviceaccounts', 'system:serviceaccounts:kube-system', 'system:authenticated'],
      },
      object: pod,
      oldObject: null,
      dryRun: false,
      options: { kind: 'CreateOptions', apiVersion: 'meta.k8s.io/v1' },
    },
  };
}

function reviewBytes(shape) {
  return Buffer.from(JSON.stringify(buildReview(buildPod(shape))));
}

/** Finds the env count per container whose review comes closest to `target` bytes (binary search). */
function fitToSize(target, shapeFor) {
  let low = 0;
  let high = 1;
  while (reviewBytes(shapeFor(high)).length < target) {
    low = high;
    high *= 2;
  }
  while (high - low > 1) {
    const middle = Math.floor((low + high) / 2);
    if (reviewBytes(shapeFor(middle)).length < target) {
      low = middle;
    } else {
      high = middle;
    }
  }
  const below = reviewBytes(shapeFor(low));
  const above = reviewBytes(shapeFor(high));
  const best = target - below.length <= above.length - target ? { env: low, body: below } : { env: high, body: above };
  return { ...best, shape: shapeFor(best.env) };
}

const base = { containers: 1, initContainers: 0, envValueLength: 24, extraMounts: 0, argText: '' };

/** Builds the inputs, each with its name, what is in the Pod, and the request body. */
export function buildInputs() {
  const sized = [
    { name: '2 KB', target: 2 * 1024, shapeFor: (env) => ({ ...base, compact: true, env }) },
    { name: '10 KB', target: 10 * 1024, shapeFor: (env) => ({ ...base, containers: 2, initContainers: 1, extraMounts: 1, env }) },
    { name: '50 KB', target: 50 * 1024, shapeFor: (env) => ({ ...base, containers: 4, initContainers: 2, extraMounts: 2, env }) },
    {
      name: '3 MiB',
      target: THREE_MIB,
      shapeFor: (env) => ({ ...base, containers: 12, initContainers: 2, extraMounts: 2, envValueLength: 1600, argText: hex(3, 16 * 1024), env }),
    },
  ];
  const inputs = sized.map(({ name, target, shapeFor }) => {
    const { shape, body } = fitToSize(target, shapeFor);
    return describe(name, shape, body);
  });

  const pathological = { ...base, containers: 50, initContainers: 6, extraMounts: 8, env: (index) => (index === 0 ? 1500 : 0) };
  inputs.push(describe('pathological', pathological, reviewBytes(pathological)));
  return inputs;
}

function describe(name, shape, body) {
  const pod = buildPod(shape);
  const envVars = [...pod.spec.containers, ...pod.spec.initContainers].reduce((sum, c) => sum + c.env.length, 0);
  return {
    name,
    body,
    containers: pod.spec.containers.length,
    initContainers: pod.spec.initContainers.length,
    envVars,
  };
}
