import { parseArgs } from 'node:util';
import type { NamespaceList, PodSummary } from '../cluster/api.js';
import { SHIPPED_TEMPLATES_DIR } from '../config.js';
import { annotationKeys, DEFAULT_ANNOTATION_PREFIX } from '../injection/annotations.js';
import { loadPolicies } from '../policy/load.js';
import { EMPTY_POLICY } from '../policy/types.js';
import { buildReport, formatReport } from '../report.js';
import { loadTemplates } from '../templates/load.js';

/**
 * Runs `sidecar-injector report`: reads Pods and Namespaces of the cluster in
 * the current kubeconfig context and prints stale and missed injections.
 * Returns 1 when there are findings, so the command can gate a pipeline, and
 * 2 when the cluster cannot be read.
 */
export async function runReport(args: readonly string[]): Promise<number> {
  const { values } = parseArgs({
    args: [...args],
    options: {
      'templates-dir': { type: 'string', default: SHIPPED_TEMPLATES_DIR },
      'policies-dir': { type: 'string' },
      'annotation-prefix': { type: 'string', default: DEFAULT_ANNOTATION_PREFIX },
      'label-selector': { type: 'string', short: 'l' },
      output: { type: 'string', short: 'o', default: 'table' },
    },
    strict: true,
  });
  const templates = await loadTemplates(values['templates-dir']);
  const policiesDir = values['policies-dir'];
  const policy = policiesDir === undefined ? EMPTY_POLICY : await loadPolicies(policiesDir, templates);

  let pods: readonly PodSummary[];
  let namespaces: NamespaceList;
  try {
    const { createKubeClusterApi } = await import('../cluster/kube-client.js');
    const api = createKubeClusterApi({ from: 'default' });
    [pods, namespaces] = await Promise.all([api.listPods(values['label-selector']), api.listNamespaces()]);
  } catch (error) {
    process.stderr.write(`sidecar-injector report: cannot read Pods and Namespaces from the cluster: ${(error as Error).message}\n`);
    return 2;
  }
  const findings = buildReport(pods, namespaces.items, { templates, policy }, annotationKeys(values['annotation-prefix']));

  process.stdout.write(values.output === 'json' ? `${JSON.stringify(findings, null, 2)}\n` : formatReport(findings));
  return findings.length > 0 ? 1 : 0;
}
