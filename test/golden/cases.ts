import type { JsonObject } from '../../src/templates/types.js';

/** One golden pair: a Pod (from a fixture or a seed Pod pattern) and the annotations it gets. */
export interface GoldenCase {
  readonly name: string;
  /** A file in test/golden/inputs/. */
  readonly fixture?: string;
  /** A file of the Pod-patterns guide, whose hand-written sidecar is removed first. */
  readonly seed?: string;
  readonly removeContainers?: readonly string[];
  readonly removeVolumes?: readonly string[];
  /** Env vars the hand-written sidecar needed in the app containers. */
  readonly removeEnv?: readonly string[];
  readonly annotations: Readonly<Record<string, string>>;
  /** request.namespace; the object itself may have none. */
  readonly namespace?: string;
  /** Decision other than `injected`, such as `skipped`. */
  readonly decision?: string;
  /** Admission warnings expected in each mode. */
  readonly warnings?: { readonly native?: readonly string[]; readonly classic?: readonly string[] };
}

const prefix = 'sidecar-injector.io';

/** Golden cases. Each runs in native and in classic sidecar mode. */
export const goldenCases: readonly GoldenCase[] = [
  {
    name: 'seed-sidecar-log-collector',
    seed: '01-sidecar-example.yaml',
    removeContainers: ['log-collector'],
    removeVolumes: ['logs'],
    annotations: { [`${prefix}/inject`]: 'log-collector', [`${prefix}/log-collector.log-path`]: '/var/log/nginx' },
  },
  {
    name: 'seed-ambassador',
    seed: '02-ambassador-example.yaml',
    removeContainers: ['db-ambassador'],
    removeEnv: ['DB_HOST', 'DB_PORT'],
    annotations: {
      [`${prefix}/inject`]: 'ambassador',
      [`${prefix}/ambassador.upstream-host`]: 'my-db.us-central1.example.internal',
      [`${prefix}/ambassador.containers`]: 'main-app',
    },
  },
  {
    name: 'seed-adapter-metrics',
    seed: '03-adapter-example.yaml',
    removeContainers: ['metrics-adapter'],
    removeVolumes: ['metrics'],
    annotations: { [`${prefix}/inject`]: 'metrics-adapter' },
  },
  {
    name: 'seed-init-wait-and-config',
    seed: '04-init-container-example.yaml',
    removeContainers: ['init-db-wait', 'init-config'],
    removeVolumes: ['config'],
    annotations: {
      [`${prefix}/inject`]: 'wait-for, config-init',
      [`${prefix}/wait-for.host`]: 'db-service',
      [`${prefix}/wait-for.port`]: '3306',
      [`${prefix}/config-init.content`]: 'DB_HOST=db-service',
    },
  },
  {
    name: 'seed-web-with-logging',
    seed: '12-web-with-logging.yaml',
    removeContainers: ['fluentd'],
    removeVolumes: ['logs'],
    annotations: { [`${prefix}/inject`]: 'log-collector', [`${prefix}/log-collector.log-path`]: '/var/log/nginx' },
  },
  {
    name: 'seed-shared-storage-two-templates',
    seed: '08-shared-storage-example.yaml',
    annotations: {
      [`${prefix}/inject`]: 'log-collector,metrics-adapter',
      [`${prefix}/log-collector.containers`]: 'producer',
      [`${prefix}/log-collector.log-path`]: '/var/log/producer',
    },
  },
  {
    name: 'bare-pod-all-templates',
    fixture: 'bare-pod.yaml',
    annotations: {
      [`${prefix}/inject`]: 'wait-for, config-init, ambassador, log-collector, metrics-adapter',
      [`${prefix}/wait-for.host`]: 'db.shop.svc.cluster.local',
      [`${prefix}/wait-for.port`]: '5432',
      [`${prefix}/config-init.content`]: 'mode: "production"\nregion: eu-west-1\n',
      [`${prefix}/ambassador.upstream-host`]: 'db.shop.svc.cluster.local',
    },
  },
  {
    name: 'controller-pod',
    fixture: 'controller-pod.yaml',
    namespace: 'shop',
    annotations: {
      [`${prefix}/inject`]: 'ambassador,log-collector',
      [`${prefix}/ambassador.upstream-host`]: '10.20.30.40',
      [`${prefix}/ambassador.upstream-port`]: '6379',
      [`${prefix}/ambassador.port`]: '6379',
      [`${prefix}/ambassador.host-env`]: 'REDIS_HOST',
      [`${prefix}/ambassador.port-env`]: 'REDIS_PORT',
    },
  },
  {
    name: 'job-pod',
    fixture: 'job-pod.yaml',
    namespace: 'finance',
    annotations: { [`${prefix}/inject`]: 'log-collector' },
    warnings: {
      native: [],
      classic: [
        'the Pod is meant to finish (restartPolicy Never), but template log-collector adds a classic sidecar that never exits, so the Pod will not complete; use native sidecars (Kubernetes 1.29+) with annotation sidecar-injector.io/native-sidecars: "true"',
      ],
    },
  },
  {
    name: 'host-network-pod',
    fixture: 'host-network-pod.yaml',
    annotations: { [`${prefix}/inject`]: 'metrics-adapter, log-collector' },
  },
  {
    name: 'non-root-pod',
    fixture: 'non-root-pod.yaml',
    annotations: {
      [`${prefix}/inject`]: 'ambassador',
      [`${prefix}/ambassador.upstream-host`]: 'orders-db.shop.svc.cluster.local',
    },
  },
  {
    name: 'windows-pod',
    fixture: 'windows-pod.yaml',
    decision: 'skipped',
    annotations: { [`${prefix}/inject`]: 'log-collector' },
    warnings: {
      native: ['template log-collector is not injected: the Pod runs on Windows and the template supports Linux only'],
      classic: ['template log-collector is not injected: the Pod runs on Windows and the template supports Linux only'],
    },
  },
];

/** Workload manifests injected through the CLI, which handles pod templates. */
export const workloadCases: readonly { readonly name: string; readonly fixture: string }[] = [
  { name: 'cronjob', fixture: 'cronjob.yaml' },
];

/** Removes named containers, volumes and env vars, and every mount of a removed volume. */
export function removeHandWrittenSidecar(pod: JsonObject, goldenCase: GoldenCase): JsonObject {
  const copy = structuredClone(pod) as { spec: Record<string, unknown> };
  const containers = new Set(goldenCase.removeContainers ?? []);
  const volumes = new Set(goldenCase.removeVolumes ?? []);
  for (const field of ['containers', 'initContainers']) {
    const list = copy.spec[field] as JsonObject[] | undefined;
    if (!list) {
      continue;
    }
    const kept = list.filter((container) => !containers.has(String(container.name)));
    for (const container of kept) {
      const mounts = container.volumeMounts as JsonObject[] | undefined;
      if (mounts) {
        const keptMounts = mounts.filter((mount) => !volumes.has(String(mount.name)));
        if (keptMounts.length > 0) {
          container.volumeMounts = keptMounts;
        } else {
          delete container.volumeMounts;
        }
      }
      const env = container.env as JsonObject[] | undefined;
      if (env) {
        const keptEnv = env.filter((variable) => !(goldenCase.removeEnv ?? []).includes(String(variable.name)));
        if (keptEnv.length > 0) {
          container.env = keptEnv;
        } else {
          delete container.env;
        }
      }
    }
    if (kept.length > 0) {
      copy.spec[field] = kept;
    } else {
      delete copy.spec[field];
    }
  }
  const specVolumes = copy.spec.volumes as JsonObject[] | undefined;
  if (specVolumes) {
    const kept = specVolumes.filter((volume) => !volumes.has(String(volume.name)));
    if (kept.length > 0) {
      copy.spec.volumes = kept;
    } else {
      delete copy.spec.volumes;
    }
  }
  return copy as JsonObject;
}
