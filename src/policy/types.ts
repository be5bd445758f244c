/** A Kubernetes label selector: matchLabels and matchExpressions, ANDed. */
export interface LabelSelector {
  readonly matchLabels?: Readonly<Record<string, string>>;
  readonly matchExpressions?: readonly {
    readonly key: string;
    readonly operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';
    readonly values?: readonly string[];
  }[];
}

/** Conditions on the Pods a rule applies to. Every condition given must hold, and a rule without any matches all Pods. */
export interface RuleMatch {
  readonly namespaces?: readonly string[];
  readonly namespaceSelector?: LabelSelector;
  readonly podSelector?: LabelSelector;
  readonly serviceAccounts?: readonly string[];
}

/** A parameter value a rule sets; a locked one cannot be changed by Pod annotations. */
export interface RuleParameterValue {
  readonly value: string;
  readonly locked: boolean;
}

/** One policy rule: its match conditions and its template settings. */
export interface PolicyRule {
  readonly name: string;
  /** Policy file the rule came from, for messages. */
  readonly source: string;
  readonly match: RuleMatch;
  /** Injected unless the Pod opts out with `-<template>` in its inject annotation. */
  readonly default: readonly string[];
  /** Injected; an opt-out is denied. */
  readonly required: readonly string[];
  /** When set, the only templates Pods may request (besides default and required ones). */
  readonly allowed?: readonly string[];
  /** Templates Pods may not request. */
  readonly forbidden: readonly string[];
  /** Parameter values by template, then parameter. */
  readonly parameters: ReadonlyMap<string, ReadonlyMap<string, RuleParameterValue>>;
}

/** All rules, in evaluation order: files by name, rules in file order. */
export interface PolicySet {
  readonly rules: readonly PolicyRule[];
  /** `sha256:` digest of the rules, for logs. */
  readonly hash: string;
}

/** A policy set with no rules: only annotations decide. */
export const EMPTY_POLICY: PolicySet = { rules: [], hash: 'sha256:none' };
