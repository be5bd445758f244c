import type { NamespaceInfo, PodSummary } from './cluster/api.js';
import type { AnnotationKeys } from './injection/annotations.js';
import { readStatus } from './injection/status.js';
import { evaluatePolicy } from './policy/evaluate.js';
import type { ConfigSnapshot } from './config-store.js';

/** A Pod whose injection is not what the current templates and rules would give. */
export interface ReportFinding {
  readonly namespace: string;
  readonly pod: string;
  /** `stale`: injected from another template version; `missed`: should carry a template but does not. */
  readonly kind: 'stale' | 'missed';
  readonly template: string;
  readonly detail: string;
}

function staleFindings(pod: PodSummary, snapshot: ConfigSnapshot, keys: AnnotationKeys): ReportFinding[] {
  const status = readStatus(pod.annotations, keys);
  return (status?.templates ?? []).flatMap(({ name, hash }) => {
    const current = snapshot.templates.get(name);
    if (current?.hash === hash) {
      return [];
    }
    const detail = current ? `injected ${hash}, current ${current.hash}` : `injected ${hash}, template no longer exists`;
    return [{ namespace: pod.namespace, pod: pod.name, kind: 'stale' as const, template: name, detail }];
  });
}

function missedFindings(pod: PodSummary, labels: Readonly<Record<string, string>> | undefined, snapshot: ConfigSnapshot, keys: AnnotationKeys): ReportFinding[] {
  if (Object.hasOwn(pod.annotations, keys.status)) {
    return [];
  }
  const object = {
    metadata: { name: pod.name, labels: pod.labels, annotations: pod.annotations },
    spec: pod.serviceAccountName === undefined ? {} : { serviceAccountName: pod.serviceAccountName },
  };
  const decision = evaluatePolicy(object, { namespace: pod.namespace, namespaceLabels: labels }, snapshot.policy, keys);
  return decision.requests.map((request) => ({
    namespace: pod.namespace,
    pod: pod.name,
    kind: 'missed' as const,
    template: request.name,
    detail: request.source === 'annotation' ? `requested by ${keys.inject} but not injected` : `rule ${request.source} applies but the Pod was not injected`,
  }));
}

/**
 * Lists running Pods whose recorded template hash differs from the current
 * template: stale injections, fixed by restarting the Pod. Also lists Pods that a
 * rule or their own annotation requests to inject but that carry no injection
 * (missed, for example created while the webhook was unreachable under
 * failurePolicy Ignore). Pods that are not running are left out.
 */
export function buildReport(
  pods: readonly PodSummary[],
  namespaces: readonly NamespaceInfo[],
  snapshot: ConfigSnapshot,
  keys: AnnotationKeys,
): ReportFinding[] {
  const labels = new Map(namespaces.map((namespace) => [namespace.name, namespace.labels]));
  return pods
    .filter((pod) => pod.phase === undefined || pod.phase === 'Running' || pod.phase === 'Pending')
    .flatMap((pod) => [...staleFindings(pod, snapshot, keys), ...missedFindings(pod, labels.get(pod.namespace), snapshot, keys)])
    .sort((a, b) => `${a.namespace}/${a.pod}/${a.template}`.localeCompare(`${b.namespace}/${b.pod}/${b.template}`));
}

/** Formats findings as an aligned text table. */
export function formatReport(findings: readonly ReportFinding[]): string {
  if (findings.length === 0) {
    return 'no stale or missed injections\n';
  }
  const rows = [['NAMESPACE', 'POD', 'KIND', 'TEMPLATE', 'DETAIL'], ...findings.map((f) => [f.namespace, f.pod, f.kind, f.template, f.detail])];
  const widths = rows[0]!.map((_cell, column) => Math.max(...rows.map((row) => row[column]!.length)));
  return rows.map((row) => row.map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd(widths[column]!))).join('  ')).join('\n') + '\n';
}
