import {
  AdmissionregistrationV1Api,
  CoreV1Api,
  KubeConfig,
  PatchStrategy,
  VersionApi,
  Watch,
  setHeaderOptions,
} from '@kubernetes/client-node';
import type {
  CaBundleUpdate,
  ClusterApi,
  NamespaceList,
  NamespaceWatchOptions,
  PodSummary,
  SecretObject,
  VersionInfo,
  WatchHandle,
} from './api.js';
import { toClusterError, watchEventError } from './cluster-error.js';
import { ClusterApiError, ClusterErrorCode, isClusterError } from './errors.js';
import {
  caBundlePatch,
  toKubeSecret,
  toNamespaceInfo,
  toNamespaceWatchEvent,
  toPodSummary,
  toSecretObject,
  type KubeObject,
} from './kube-objects.js';

/**
 * Where the client finds the API server and its credentials:
 * - `default`: $KUBECONFIG, then ~/.kube/config, then the in-cluster service account.
 * - `in-cluster`: the service account token and CA mounted into the Pod.
 * - `server`: an explicit URL, for tests and local tools. An `http://` URL needs
 *   `insecureSkipTlsVerify: true`, because the library rejects plain HTTP otherwise.
 */
export type KubeConnectionOptions =
  | { readonly from: 'default' }
  | { readonly from: 'in-cluster' }
  | {
      readonly from: 'server';
      readonly server: string;
      /** PEM CA bundle that signed the API server's certificate. */
      readonly caPem?: string;
      readonly insecureSkipTlsVerify?: boolean;
      readonly bearerToken?: string;
    };

/**
 * Whether loadFromDefault() found no config. client-node 2.0.1 then loads the
 * cluster `cluster` at http://localhost:8080 under the context `loaded-context`,
 * an address where no API server runs in a Pod.
 */
function isLibraryFallback(config: KubeConfig): boolean {
  const cluster = config.getCurrentCluster();
  return (
    config.getCurrentContext() === 'loaded-context' &&
    cluster?.name === 'cluster' &&
    cluster.server === 'http://localhost:8080'
  );
}

/** Builds a KubeConfig. Throws ClusterApiError NoConfig when `default` finds no config. */
export function loadKubeConfig(options: KubeConnectionOptions): KubeConfig {
  const config = new KubeConfig();
  if (options.from === 'in-cluster') {
    if (!process.env.KUBERNETES_SERVICE_HOST || !process.env.KUBERNETES_SERVICE_PORT) {
      throw new ClusterApiError(
        ClusterErrorCode.NoConfig,
        'in-cluster config needs KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT, which the kubelet sets in every Pod; run in a Pod or use a kubeconfig',
      );
    }
    config.loadFromCluster();
    return config;
  }
  if (options.from === 'server') {
    config.loadFromClusterAndUser(
      {
        name: 'explicit',
        server: options.server,
        skipTLSVerify: options.insecureSkipTlsVerify ?? false,
        ...(options.caPem !== undefined ? { caData: Buffer.from(options.caPem).toString('base64') } : {}),
      },
      { name: 'explicit', ...(options.bearerToken !== undefined ? { token: options.bearerToken } : {}) },
    );
    return config;
  }
  config.loadFromDefault();
  if (isLibraryFallback(config)) {
    throw new ClusterApiError(
      ClusterErrorCode.NoConfig,
      'no Kubernetes config found: set KUBECONFIG, create ~/.kube/config, or run in a Pod with a service account token',
    );
  }
  return config;
}

/** Runs one API call and converts its failure into a ClusterApiError naming `action`. */
async function call<T>(action: string, request: () => Promise<T>): Promise<T> {
  try {
    return await request();
  } catch (error) {
    throw toClusterError(action, error);
  }
}

/** Whether an error is the AbortError of an aborted fetch, by name because DOMException need not share this realm. */
function isAbort(error: unknown): boolean {
  return (error as { name?: unknown } | null)?.name === 'AbortError';
}

/**
 * Starts a watch of /api/v1/namespaces with @kubernetes/client-node's Watch,
 * which aborts the stream when no data arrives for 30 s (its inactivity timeout
 * in 2.0.1). `ended` then rejects with code Timeout.
 */
async function watchNamespaces(config: KubeConfig, options: NamespaceWatchOptions): Promise<WatchHandle> {
  const action = `watch Namespaces from resourceVersion ${options.resourceVersion}`;
  let stopped = false;
  let doneCalled = false;
  let eventError: ClusterApiError | undefined;
  let controller: AbortController | undefined;
  let settle!: { resolve: () => void; reject: (error: ClusterApiError) => void };
  const ended = new Promise<void>((resolve, reject) => (settle = { resolve, reject }));
  ended.catch(() => undefined);

  const onLine = (type: string, object: unknown) => {
    if (stopped || eventError !== undefined) {
      return;
    }
    if (type === 'ERROR') {
      eventError = watchEventError(action, object);
      controller?.abort();
      return;
    }
    const event = toNamespaceWatchEvent(type, object as KubeObject);
    if (event !== undefined) {
      options.onEvent(event);
    }
  };
  const onDone = (error: unknown) => {
    doneCalled = true;
    if (eventError !== undefined) {
      settle.reject(eventError);
    } else if (error && !stopped && !isAbort(error)) {
      settle.reject(toClusterError(action, error));
    } else {
      settle.resolve();
    }
  };

  const query = { resourceVersion: options.resourceVersion, allowWatchBookmarks: true };
  try {
    controller = await new Watch(config).watch('/api/v1/namespaces', query, onLine, onDone);
  } catch (error) {
    onDone(error);
  }
  if (eventError !== undefined) {
    controller?.abort();
  }
  if (!doneCalled) {
    options.onConnected?.();
  }
  return {
    ended,
    stop: () => {
      stopped = true;
      controller?.abort();
    },
  };
}

/** Pods per list request, so that a large cluster is read in pages rather than in one response. */
const POD_PAGE_SIZE = 500;

/**
 * Creates a ClusterApi backed by @kubernetes/client-node 2.0.1. Loading the
 * config reads files only, and no request is sent until a method is called.
 */
export function createKubeClusterApi(options: KubeConnectionOptions = { from: 'default' }): ClusterApi {
  const config = loadKubeConfig(options);
  const versionApi = config.makeApiClient(VersionApi);
  const coreApi = config.makeApiClient(CoreV1Api);
  const admissionApi = config.makeApiClient(AdmissionregistrationV1Api);

  return {
    getVersion: async (): Promise<VersionInfo> => {
      const info = await call('GET /version', () => versionApi.getCode());
      return { major: info.major ?? '', minor: info.minor ?? '', gitVersion: info.gitVersion ?? '' };
    },

    listNamespaces: async (): Promise<NamespaceList> => {
      const list = await call('list Namespaces', () => coreApi.listNamespace());
      return { resourceVersion: list.metadata?.resourceVersion ?? '', items: list.items.map(toNamespaceInfo) };
    },

    watchNamespaces: (watchOptions) => watchNamespaces(config, watchOptions),

    patchWebhookCaBundle: async (name: string, caBundlePem: string): Promise<CaBundleUpdate> => {
      const action = `patch caBundle of MutatingWebhookConfiguration ${name}`;
      const current = await call(action, () => admissionApi.readMutatingWebhookConfiguration({ name }));
      const operations = caBundlePatch(current.webhooks ?? [], Buffer.from(caBundlePem, 'utf8').toString('base64'));
      if (operations.length === 0) {
        return 'unchanged';
      }
      // NOTE: the paths use the webhook indexes of the read above. A webhook
      // removed in between makes the patch fail with Invalid. A webhook added
      // in between keeps its own caBundle until the next call.
      const jsonPatch = setHeaderOptions('Content-Type', PatchStrategy.JsonPatch);
      await call(action, () => admissionApi.patchMutatingWebhookConfiguration({ name, body: operations }, jsonPatch));
      return 'patched';
    },

    readSecret: async (namespace: string, name: string): Promise<SecretObject | null> => {
      try {
        const secret = await call(`read Secret ${namespace}/${name}`, () => coreApi.readNamespacedSecret({ namespace, name }));
        return toSecretObject(secret);
      } catch (error) {
        if (isClusterError(error, ClusterErrorCode.NotFound)) {
          return null;
        }
        throw error;
      }
    },

    createSecret: async (secret: SecretObject): Promise<SecretObject> => {
      const { namespace, name } = secret;
      // The API server rejects a create that carries a resourceVersion.
      const body = toKubeSecret({ ...secret, resourceVersion: undefined });
      const created = await call(`create Secret ${namespace}/${name}`, () => coreApi.createNamespacedSecret({ namespace, body }));
      return toSecretObject(created);
    },

    replaceSecret: async (secret): Promise<SecretObject> => {
      const { namespace, name } = secret;
      const body = toKubeSecret(secret);
      const action = `replace Secret ${namespace}/${name} at resourceVersion ${secret.resourceVersion}`;
      const replaced = await call(action, () => coreApi.replaceNamespacedSecret({ namespace, name, body }));
      return toSecretObject(replaced);
    },

    listPods: async (labelSelector?: string): Promise<readonly PodSummary[]> => {
      const action = labelSelector === undefined ? 'list Pods' : `list Pods with labelSelector ${labelSelector}`;
      const pods: PodSummary[] = [];
      let page: string | undefined;
      do {
        const request = {
          limit: POD_PAGE_SIZE,
          ...(labelSelector !== undefined ? { labelSelector } : {}),
          ...(page ? { _continue: page } : {}),
        };
        const list = await call(action, () => coreApi.listPodForAllNamespaces(request));
        pods.push(...list.items.map(toPodSummary));
        page = list.metadata?._continue;
      } while (page);
      return pods;
    },
  };
}
