import type { Logger } from 'pino';
import type { ClusterApi } from './cluster/api.js';
import type { NamespaceInformer } from './cluster/namespace-cache.js';
import type { ServerVersionWatcher } from './cluster/server-version.js';
import { ClusterErrorCode, isClusterError } from './cluster/errors.js';

/** Cluster state the server keeps in memory and refreshes in the background. */
export interface ClusterConnection {
  readonly api: ClusterApi;
  readonly namespaces: NamespaceInformer;
  readonly versions: ServerVersionWatcher;
  stop(): Promise<void>;
}

/**
 * Connects to the API server of the in-cluster service account or the current
 * kubeconfig context, and starts the namespace informer and the version
 * watcher. Returns undefined when no configuration exists, as on a developer
 * machine: the server then runs without namespace labels and cluster version.
 * The client library is imported here only, and only when this runs.
 */
export async function connectCluster(logger: Logger): Promise<ClusterConnection | undefined> {
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
