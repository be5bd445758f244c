import type { LabelSelector } from './types.js';

/**
 * Whether labels match a selector, with the semantics of Kubernetes label
 * selectors: every matchLabels entry and every expression must hold, and an
 * empty selector matches everything.
 */
export function matchesSelector(selector: LabelSelector, labels: Readonly<Record<string, string>>): boolean {
  for (const [key, value] of Object.entries(selector.matchLabels ?? {})) {
    if (labels[key] !== value) {
      return false;
    }
  }
  for (const expression of selector.matchExpressions ?? []) {
    const has = Object.hasOwn(labels, expression.key);
    const values = expression.values ?? [];
    switch (expression.operator) {
      case 'In':
        if (!has || !values.includes(labels[expression.key]!)) return false;
        break;
      case 'NotIn':
        if (has && values.includes(labels[expression.key]!)) return false;
        break;
      case 'Exists':
        if (!has) return false;
        break;
      case 'DoesNotExist':
        if (has) return false;
        break;
    }
  }
  return true;
}

/** Formats a selector the way kubectl prints one, for explain output. */
export function formatSelector(selector: LabelSelector): string {
  const parts = Object.entries(selector.matchLabels ?? {}).map(([key, value]) => `${key}=${value}`);
  for (const expression of selector.matchExpressions ?? []) {
    const values = (expression.values ?? []).join(',');
    parts.push(
      expression.operator === 'Exists' ? expression.key
        : expression.operator === 'DoesNotExist' ? `!${expression.key}`
          : `${expression.key} ${expression.operator.toLowerCase()} (${values})`,
    );
  }
  return parts.join(',') || '(everything)';
}
