import { containerViolations, parseLevel } from '../injection/pod-security.js';
import { isObject, objectAt } from '../injection/pod.js';
import type { JsonObject, SidecarTemplate } from './types.js';

/** A problem in a template, with the YAML path it was found at. */
export interface LintFinding {
  readonly message: string;
  readonly path: readonly (string | number)[];
}

const RESOURCE_FIELDS = [
  ['requests', 'cpu'],
  ['requests', 'memory'],
  ['limits', 'cpu'],
  ['limits', 'memory'],
] as const;

function checkResources(container: JsonObject, path: readonly (string | number)[], findings: LintFinding[]): void {
  const resources = objectAt(container, 'resources');
  const missing = RESOURCE_FIELDS.filter(([kind, name]) => objectAt(resources, kind)[name] === undefined).map(([kind, name]) => `${kind}.${name}`);
  if (missing.length > 0) {
    findings.push({
      message: `container ${String(container.name)} has no resources ${missing.join(', ')}; injected containers need CPU and memory requests and limits so that LimitRange and ResourceQuota admit the Pod`,
      path: [...path, 'name'],
    });
  }
}

/**
 * Checks what every injected container must have for the Pod to stay
 * admissible: CPU and memory requests and limits, and a securityContext that
 * meets the template's Pod Security level (`spec.podSecurity`, default
 * restricted) in both sidecar modes, even in a Pod that sets no securityContext.
 */
export function lintTemplate(template: SidecarTemplate, podSecurity: unknown): LintFinding[] {
  const findings: LintFinding[] = [];
  const level = parseLevel(podSecurity ?? 'restricted') ?? 'restricted';
  const lists = [
    ['containers', template.body.containers],
    ['initContainers', template.body.initContainers],
  ] as const;
  for (const [field, containers] of lists) {
    containers.forEach((container, index) => {
      const path = ['spec', field, index];
      checkResources(container, path, findings);
      const byMode = (['classic', 'native'] as const).map((mode) => {
        const extra = container[mode];
        return containerViolations(isObject(extra) ? { ...container, ...extra } : container, {}, level).join(', ');
      });
      const [classic, native] = byMode;
      const report = (violations: string, where: string) =>
        findings.push({
          message: `container ${String(container.name)} does not meet Pod Security level "${level}"${where}: ${violations}; fix its securityContext or declare spec.podSecurity`,
          path: [...path, 'name'],
        });
      if (classic && classic === native) {
        report(classic, '');
      } else {
        if (classic) report(classic, ' in classic mode');
        if (native) report(native, ' in native mode');
      }
    });
  }
  return findings;
}
