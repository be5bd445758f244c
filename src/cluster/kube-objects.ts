import type { NamespaceInfo, NamespaceWatchEvent, PodContainerSummary, PodSummary, SecretObject } from './api.js';

/**
 * Conversions between the objects @kubernetes/client-node returns and the
 * plain types of api.ts. The shapes below name only the fields read, so this
 * file does not import the library, whose V1 classes fit them structurally.
 */

/** Object metadata fields read or written here. */
export interface KubeMetadata {
  name?: string;
  namespace?: string;
  resourceVersion?: string;
  labels?: { [key: string]: string };
  annotations?: { [key: string]: string };
}

interface KubeContainer {
  name: string;
  image?: string;
  restartPolicy?: string;
}

/** A Pod as the client returns it, reduced to the fields of PodSummary. */
export interface KubePod {
  metadata?: KubeMetadata;
  spec?: { containers: KubeContainer[]; initContainers?: KubeContainer[]; serviceAccountName?: string };
  status?: { phase?: string };
}

/** A Secret in the API server's wire shape: `data` values are base64. */
export interface KubeSecret {
  apiVersion?: string;
  kind?: string;
  metadata?: KubeMetadata;
  type?: string;
  data?: { [key: string]: string };
}

/** Any object with metadata, such as a Namespace or the object of a BOOKMARK event. */
export interface KubeObject {
  metadata?: KubeMetadata;
}

/** Converts a Namespace object. A missing resourceVersion becomes "". */
export function toNamespaceInfo(object: KubeObject): NamespaceInfo {
  const metadata = object.metadata ?? {};
  return {
    name: metadata.name ?? '',
    labels: Object.freeze({ ...metadata.labels }),
    resourceVersion: metadata.resourceVersion ?? '',
  };
}

/**
 * Converts one line of a namespace watch. Returns undefined for ERROR, which
 * the caller turns into an error, and for types the API does not define.
 */
export function toNamespaceWatchEvent(type: string, object: KubeObject): NamespaceWatchEvent | undefined {
  switch (type) {
    case 'ADDED':
    case 'MODIFIED':
    case 'DELETED':
      return { type, namespace: toNamespaceInfo(object) };
    case 'BOOKMARK':
      return { type, resourceVersion: object.metadata?.resourceVersion ?? '' };
    default:
      return undefined;
  }
}

/** Decodes a Secret's base64 `data` values as UTF-8. */
export function toSecretObject(secret: KubeSecret): SecretObject {
  const metadata = secret.metadata ?? {};
  const data: Record<string, string> = {};
  for (const [key, value] of Object.entries(secret.data ?? {})) {
    data[key] = Buffer.from(value, 'base64').toString('utf8');
  }
  return {
    namespace: metadata.namespace ?? '',
    name: metadata.name ?? '',
    ...(metadata.resourceVersion !== undefined ? { resourceVersion: metadata.resourceVersion } : {}),
    ...(secret.type !== undefined ? { type: secret.type } : {}),
    ...(metadata.labels !== undefined ? { labels: { ...metadata.labels } } : {}),
    ...(metadata.annotations !== undefined ? { annotations: { ...metadata.annotations } } : {}),
    data,
  };
}

/** Encodes a SecretObject for create or replace, base64-encoding its `data`. */
export function toKubeSecret(secret: SecretObject): KubeSecret {
  const data: Record<string, string> = {};
  for (const [key, value] of Object.entries(secret.data)) {
    data[key] = Buffer.from(value, 'utf8').toString('base64');
  }
  const metadata: KubeMetadata = { name: secret.name, namespace: secret.namespace };
  if (secret.resourceVersion !== undefined) {
    metadata.resourceVersion = secret.resourceVersion;
  }
  if (secret.labels !== undefined) {
    metadata.labels = { ...secret.labels };
  }
  if (secret.annotations !== undefined) {
    metadata.annotations = { ...secret.annotations };
  }
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata,
    ...(secret.type !== undefined ? { type: secret.type } : {}),
    data,
  };
}

function toContainerSummary(container: KubeContainer): PodContainerSummary {
  return {
    name: container.name,
    ...(container.image !== undefined ? { image: container.image } : {}),
    ...(container.restartPolicy !== undefined ? { restartPolicy: container.restartPolicy } : {}),
  };
}

/** Converts a Pod to the summary the report command reads. */
export function toPodSummary(pod: KubePod): PodSummary {
  const metadata = pod.metadata ?? {};
  return {
    namespace: metadata.namespace ?? '',
    name: metadata.name ?? '',
    labels: { ...metadata.labels },
    annotations: { ...metadata.annotations },
    ...(pod.status?.phase !== undefined ? { phase: pod.status.phase } : {}),
    ...(pod.spec?.serviceAccountName !== undefined ? { serviceAccountName: pod.spec.serviceAccountName } : {}),
    containers: (pod.spec?.containers ?? []).map(toContainerSummary),
    initContainers: (pod.spec?.initContainers ?? []).map(toContainerSummary),
  };
}

/** One JSON patch operation that sets a webhook's caBundle, whether or not it exists. */
export interface CaBundleOperation {
  readonly op: 'add';
  readonly path: string;
  readonly value: string;
}

/**
 * Builds the JSON patch that sets `clientConfig.caBundle` of each webhook that
 * differs from `caBundleBase64`, or [] when all match. `add` on an existing
 * member replaces it (RFC 6902, section 4.1), so the ops work whether or not
 * caBundle is set. The paths use the indexes of the object as read.
 */
export function caBundlePatch(
  webhooks: readonly { clientConfig?: { caBundle?: string } }[],
  caBundleBase64: string,
): CaBundleOperation[] {
  const operations: CaBundleOperation[] = [];
  webhooks.forEach((webhook, index) => {
    if (webhook.clientConfig?.caBundle !== caBundleBase64) {
      operations.push({ op: 'add', path: `/webhooks/${index}/clientConfig/caBundle`, value: caBundleBase64 });
    }
  });
  return operations;
}
