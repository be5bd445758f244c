/**
 * The calls the injector makes to the Kubernetes API server, as plain data.
 * `kube-client.ts` implements this interface with @kubernetes/client-node;
 * everything else depends only on this file, so it never loads that library.
 * Every method rejects with a ClusterApiError (see errors.ts).
 */

/** Reply of GET /version, as sent: `minor` may carry a suffix such as `"29+"` (GKE, EKS). */
export interface VersionInfo {
  readonly major: string;
  readonly minor: string;
  readonly gitVersion: string;
}

/** The parts of a Namespace the injector reads. */
export interface NamespaceInfo {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly resourceVersion: string;
}

/** Reply of a namespace list: every Namespace and the resourceVersion to watch from. */
export interface NamespaceList {
  readonly resourceVersion: string;
  readonly items: readonly NamespaceInfo[];
}

/**
 * One watch event. BOOKMARK carries only the resourceVersion to resume from.
 * ERROR events do not appear here: they end the watch with a ClusterApiError.
 */
export type NamespaceWatchEvent =
  | { readonly type: 'ADDED' | 'MODIFIED' | 'DELETED'; readonly namespace: NamespaceInfo }
  | { readonly type: 'BOOKMARK'; readonly resourceVersion: string };

/** Callbacks and start point of a namespace watch. */
export interface NamespaceWatchOptions {
  /** resourceVersion of the last list or event. The watch sends only later changes. */
  readonly resourceVersion: string;
  readonly onEvent: (event: NamespaceWatchEvent) => void;
  /** Runs once the API server has accepted the watch (HTTP 200). */
  readonly onConnected?: () => void;
}

/** A running watch. */
export interface WatchHandle {
  /**
   * Settles when the stream ends. Resolves when the server closed it or stop()
   * was called, and rejects with a ClusterApiError otherwise: code Gone for
   * HTTP 410 or an ERROR event with code 410, Timeout when no data arrived
   * within the client's inactivity timeout.
   */
  readonly ended: Promise<void>;
  /** Closes the connection, after which `ended` resolves. */
  stop(): void;
}

/** A Secret with its `data` values decoded from base64 as UTF-8 text. */
export interface SecretObject {
  readonly namespace: string;
  readonly name: string;
  /** Version the API server set, which replaceSecret requires for optimistic concurrency. */
  readonly resourceVersion?: string;
  /** Secret type, such as `kubernetes.io/tls`. The API server defaults it to `Opaque`. */
  readonly type?: string;
  readonly labels?: Readonly<Record<string, string>>;
  readonly annotations?: Readonly<Record<string, string>>;
  /** NOTE: values are decoded as UTF-8, so binary values do not survive a read. The injector stores PEM text only. */
  readonly data: Readonly<Record<string, string>>;
}

/** One container of a Pod, as the report command needs it. */
export interface PodContainerSummary {
  readonly name: string;
  readonly image?: string;
  /** `Always` marks a native sidecar among init containers. */
  readonly restartPolicy?: string;
}

/** The parts of a Pod that the report command reads. */
export interface PodSummary {
  readonly namespace: string;
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
  readonly phase?: string;
  /** spec.serviceAccountName; absent means `default`. */
  readonly serviceAccountName?: string;
  readonly containers: readonly PodContainerSummary[];
  readonly initContainers: readonly PodContainerSummary[];
}

/** Outcome of patchWebhookCaBundle. */
export type CaBundleUpdate = 'patched' | 'unchanged';

/** Calls to the Kubernetes API server. None of them may run on the admission request path. */
export interface ClusterApi {
  /** GET /version. */
  getVersion(): Promise<VersionInfo>;

  /** Lists all Namespaces (a consistent read from etcd). */
  listNamespaces(): Promise<NamespaceList>;

  /** Watches Namespaces from a resourceVersion, with bookmarks requested. */
  watchNamespaces(options: NamespaceWatchOptions): Promise<WatchHandle>;

  /**
   * Sets `clientConfig.caBundle` of every webhook of the MutatingWebhookConfiguration
   * `name` to the base64 of `caBundlePem`. Reads the object first and sends a JSON
   * patch only when some webhook differs. Rejects with NotFound when the object
   * does not exist.
   */
  patchWebhookCaBundle(name: string, caBundlePem: string): Promise<CaBundleUpdate>;

  /** Reads a Secret, or resolves to null when it does not exist. */
  readSecret(namespace: string, name: string): Promise<SecretObject | null>;

  /** Creates a Secret. Rejects with AlreadyExists when the name is taken. */
  createSecret(secret: SecretObject): Promise<SecretObject>;

  /**
   * Replaces a Secret if its stored resourceVersion still equals
   * `secret.resourceVersion`, and rejects with Conflict otherwise.
   */
  replaceSecret(secret: SecretObject & { readonly resourceVersion: string }): Promise<SecretObject>;

  /** Lists Pods in all namespaces, optionally filtered by a label selector such as `app=web`. */
  listPods(labelSelector?: string): Promise<readonly PodSummary[]>;
}
