/** Builders of AdmissionReview request bodies for tests. */

let counter = 0;

/** Returns a new request uid. */
export function nextUid(): string {
  counter += 1;
  return `00000000-0000-4000-8000-${String(counter).padStart(12, '0')}`;
}

/** Builds a Pod with one app container and the given annotations and env. */
export function pod(annotations: Record<string, string> = {}, env: { name: string; value: string }[] = []): Record<string, unknown> {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { generateName: 'web-', namespace: 'shop', annotations },
    spec: { containers: [{ name: 'app', image: 'registry.example/web:1.0', env }] },
  };
}

/** Fields of a request that differ between test cases. */
export interface ReviewFields {
  readonly uid?: string;
  readonly kind?: { group: string; version: string; kind: string };
  readonly operation?: 'CREATE' | 'UPDATE' | 'DELETE' | 'CONNECT';
  readonly subResource?: string;
  readonly object?: unknown;
  readonly dryRun?: boolean;
  readonly name?: string;
}

/** Builds an AdmissionReview v1 request for a Pod CREATE in namespace shop, with some fields overridden. */
export function review(fields: ReviewFields = {}): { apiVersion: string; kind: string; request: Record<string, unknown> } {
  const kind = fields.kind ?? { group: '', version: 'v1', kind: 'Pod' };
  const request: Record<string, unknown> = {
    uid: fields.uid ?? nextUid(),
    kind,
    resource: { group: kind.group, version: kind.version, resource: `${kind.kind.toLowerCase()}s` },
    ...(fields.subResource ? { subResource: fields.subResource } : {}),
    requestKind: kind,
    namespace: 'shop',
    name: fields.name ?? '',
    operation: fields.operation ?? 'CREATE',
    userInfo: { username: 'system:serviceaccount:kube-system:replicaset-controller' },
    object: fields.object === undefined ? pod() : fields.object,
    oldObject: null,
    dryRun: fields.dryRun ?? false,
    options: { apiVersion: 'meta.k8s.io/v1', kind: 'CreateOptions' },
  };
  return { apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', request };
}
