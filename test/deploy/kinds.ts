// The fields of the rendered objects that the deploy tests read. Only those
// fields are typed, because podcheck checks the full schema.
import type { KubeObject } from './kustomize.js';
import type { LabelSelector } from './labelSelector.js';

export interface SecurityContext {
  readonly runAsNonRoot?: boolean;
  readonly runAsUser?: number;
  readonly runAsGroup?: number;
  readonly privileged?: boolean;
  readonly allowPrivilegeEscalation?: boolean;
  readonly readOnlyRootFilesystem?: boolean;
  readonly capabilities?: { readonly add?: readonly string[]; readonly drop?: readonly string[] };
  readonly seccompProfile?: { readonly type: string };
}

export interface Probe {
  readonly httpGet?: { readonly scheme?: string; readonly port: number | string; readonly path?: string };
}

export interface Container {
  readonly name: string;
  readonly image: string;
  readonly args?: readonly string[];
  readonly env?: readonly {
    readonly name: string;
    readonly value?: string;
    readonly valueFrom?: { readonly fieldRef?: { readonly fieldPath: string } };
  }[];
  readonly ports?: readonly { readonly name?: string; readonly containerPort: number }[];
  readonly resources?: {
    readonly requests?: Readonly<Record<string, string>>;
    readonly limits?: Readonly<Record<string, string>>;
  };
  readonly securityContext?: SecurityContext;
  readonly startupProbe?: Probe;
  readonly livenessProbe?: Probe;
  readonly readinessProbe?: Probe;
  readonly volumeMounts?: readonly {
    readonly name: string;
    readonly mountPath: string;
    readonly readOnly?: boolean;
  }[];
}

export interface Volume {
  readonly name: string;
  readonly secret?: { readonly secretName: string; readonly optional?: boolean };
  readonly emptyDir?: { readonly medium?: string; readonly sizeLimit?: string };
  readonly [source: string]: unknown;
}

export interface PodSpec {
  readonly serviceAccountName?: string;
  readonly automountServiceAccountToken?: boolean;
  readonly terminationGracePeriodSeconds?: number;
  readonly priorityClassName?: string;
  readonly hostNetwork?: boolean;
  readonly hostPID?: boolean;
  readonly hostIPC?: boolean;
  readonly securityContext?: SecurityContext;
  readonly topologySpreadConstraints?: readonly {
    readonly topologyKey: string;
    readonly maxSkew: number;
    readonly labelSelector?: LabelSelector;
  }[];
  readonly containers: readonly Container[];
  readonly initContainers?: readonly Container[];
  readonly volumes?: readonly Volume[];
}

export interface Deployment extends KubeObject {
  readonly spec: {
    readonly replicas?: number;
    readonly selector: LabelSelector;
    readonly template: {
      readonly metadata: { readonly labels?: Readonly<Record<string, string>> };
      readonly spec: PodSpec;
    };
  };
}

export interface Service extends KubeObject {
  readonly spec: {
    readonly selector?: Readonly<Record<string, string>>;
    readonly ports: readonly { readonly name?: string; readonly port: number; readonly targetPort?: number | string }[];
  };
}

export interface PodDisruptionBudget extends KubeObject {
  readonly spec: {
    readonly selector: LabelSelector;
    readonly minAvailable?: number | string;
    readonly maxUnavailable?: number | string;
  };
}

export interface PolicyRule {
  readonly apiGroups?: readonly string[];
  readonly resources?: readonly string[];
  readonly resourceNames?: readonly string[];
  readonly verbs: readonly string[];
  readonly nonResourceURLs?: readonly string[];
}

/** A Role or ClusterRole. */
export interface Role extends KubeObject {
  readonly rules?: readonly PolicyRule[];
}

/** A RoleBinding or ClusterRoleBinding. */
export interface RoleBinding extends KubeObject {
  readonly roleRef: { readonly apiGroup: string; readonly kind: string; readonly name: string };
  readonly subjects?: readonly { readonly kind: string; readonly name: string; readonly namespace?: string }[];
}

export interface RuleWithOperations {
  readonly operations: readonly string[];
  readonly apiGroups: readonly string[];
  readonly apiVersions: readonly string[];
  readonly resources: readonly string[];
  readonly scope?: string;
}

export interface MutatingWebhook {
  readonly name: string;
  readonly admissionReviewVersions: readonly string[];
  readonly sideEffects: string;
  readonly timeoutSeconds?: number;
  readonly failurePolicy?: string;
  readonly reinvocationPolicy?: string;
  readonly matchPolicy?: string;
  readonly rules?: readonly RuleWithOperations[];
  readonly clientConfig: {
    readonly caBundle?: string;
    readonly url?: string;
    readonly service?: {
      readonly name: string;
      readonly namespace: string;
      readonly path?: string;
      readonly port?: number;
    };
  };
  readonly namespaceSelector?: LabelSelector;
  readonly objectSelector?: LabelSelector;
}

export interface MutatingWebhookConfiguration extends KubeObject {
  readonly webhooks: readonly MutatingWebhook[];
}

/** A cert-manager.io/v1 Certificate. */
export interface Certificate extends KubeObject {
  readonly spec: {
    readonly secretName: string;
    readonly isCA?: boolean;
    readonly dnsNames?: readonly string[];
    readonly usages?: readonly string[];
    readonly issuerRef: { readonly name: string; readonly kind?: string; readonly group?: string };
  };
}

/** A cert-manager.io/v1 Issuer. */
export interface Issuer extends KubeObject {
  readonly spec: {
    readonly selfSigned?: Record<string, never>;
    readonly ca?: { readonly secretName: string };
  };
}
