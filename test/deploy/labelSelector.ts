/** One `matchExpressions` entry of a Kubernetes label selector. */
export interface LabelSelectorRequirement {
  readonly key: string;
  readonly operator: string;
  readonly values?: readonly string[];
}

/** A Kubernetes `metav1.LabelSelector`. */
export interface LabelSelector {
  readonly matchLabels?: Readonly<Record<string, string>>;
  readonly matchExpressions?: readonly LabelSelectorRequirement[];
}

/**
 * Evaluates a label selector as kube-apiserver does for a webhook's
 * namespaceSelector and objectSelector: an absent or empty selector matches
 * everything, and all terms must match. `NotIn` also matches when the key is
 * absent. Throws on an operator that LabelSelector does not define.
 */
export function matchesLabelSelector(
  selector: LabelSelector | undefined,
  labels: Readonly<Record<string, string>>,
): boolean {
  for (const [key, value] of Object.entries(selector?.matchLabels ?? {})) {
    if (labels[key] !== value) {
      return false;
    }
  }

  for (const requirement of selector?.matchExpressions ?? []) {
    if (!matchesRequirement(requirement, labels)) {
      return false;
    }
  }
  return true;
}

function matchesRequirement(
  requirement: LabelSelectorRequirement,
  labels: Readonly<Record<string, string>>,
): boolean {
  const hasKey = Object.hasOwn(labels, requirement.key);
  const values = requirement.values ?? [];

  switch (requirement.operator) {
    case 'In':
      return hasKey && values.includes(labels[requirement.key]!);
    case 'NotIn':
      return !hasKey || !values.includes(labels[requirement.key]!);
    case 'Exists':
      return hasKey;
    case 'DoesNotExist':
      return !hasKey;
    default:
      throw new Error(
        `invalid label selector operator "${requirement.operator}" for key ${requirement.key}, ` +
          'expected In, NotIn, Exists or DoesNotExist',
      );
  }
}
