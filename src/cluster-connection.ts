import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import type { Logger } from 'pino';
import type { ClusterApi } from './cluster/api.js';
import type { NamespaceInformer } from './cluster/namespace-cache.js';
import type { ServerVersionWatcher } from './cluster/server-version.js';
import { ClusterErrorCode, isClusterError } from './cluster/errors.js';

/** Token file the kubelet mounts into Pods that use a service account. */
const SERVICE_ACCOUNT_TOKEN = '/var/run/secrets/kubernetes.io/serviceaccount/token';

/** Cluster state the server keeps in memory and refreshes in the background. */
export interface ClusterConnection {
  readonly api: ClusterApi;
  readonly namespaces: NamespaceInformer;
  readonly versions: ServerVersionWatcher;
  stop(): Promise<void>;
}

/**
 * Tells whether a cluster configuration can exist, checked before importing the
 * client library, which adds about 80 MiB of resident memory (measured on
 * Node 24 with @kubernetes/client-node 2.0.1). The library still decides
 * whether the configuration it finds is usable.
 */
function hasClusterConfig(): boolean {
  const inCluster = process.env.KUBERNETES_SERVICE_HOST !== undefined && existsSync(SERVICE_ACCOUNT_TOKEN);
  const kubeconfig = process.env.KUBECONFIG ?? path.join(homedir(), '.kube', 'config');
  return inCluster || kubeconfig.split(path.delimiter).some((file) => file !== '' && existsSync(file));
}

/**
 * Connects to the API server of the in-cluster service account or the current
 * kubeconfig context, and starts the namespace informer and the version
 * watcher. Returns undefined when no configuration exists, as on a developer
 * machine: the server then runs without namespace labels and cluster version.
 * The client library is imported here only, and only when this runs.
 */
export async function connectCluster(logger: Logger): Promise<ClusterConnection | undefined> {
  if (!hasClusterConfig()) {
    logger.info('no in-cluster or kubeconfig configuration: running without namespace labels and cluster version');
    return undefined;
  }
  const { createKubeClusterApi } = await import('./cluster/kube-client.js');
  const { NamespaceInformer } = await import('./cluster/namespace-cache.js');
  const { ServerVersionWatcher } = await import('./cluster/server-version.js');
  let api: ClusterApi;
  try {
    api = createKubeClusterApi({ from: 'default' });
  } catch (error) {
    if (isClusterError(error, ClusterErrorCode.NoConfig)) {
      logger.info('no in-cluster or kubeconfig configuration: running without namespace labels and cluster version');
      return undefined;
    }
    throw error;
  }
  const namespaces = new NamespaceInformer(api, { logger });
  namespaces.start();
  const versions = new ServerVersionWatcher(api, { logger });
  void versions.start();
  return {
    api,
    namespaces,
    versions,
    stop: async () => {
      versions.stop();
      await namespaces.stop();
    },
  };
}
