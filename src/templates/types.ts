/** JSON object as decoded from a manifest or template; fields are not modelled. */
export type JsonObject = { [key: string]: unknown };

/** Parameter types a template can declare. */
export const ParameterType = {
  String: 'string',
  Text: 'text',
  Integer: 'integer',
  Port: 'port',
  Boolean: 'boolean',
  AbsolutePath: 'absolutePath',
  FileName: 'fileName',
  Hostname: 'hostname',
  Image: 'image',
  Quantity: 'quantity',
  EnvName: 'envName',
  Enum: 'enum',
  ContainerNames: 'containerNames',
} as const;
export type ParameterType = (typeof ParameterType)[keyof typeof ParameterType];

/** A parameter's value after parsing: `containerNames` gives a list or "*" for all. */
export type ParameterValue = string | number | boolean | readonly string[];

/** A typed template parameter as declared in a template file. */
export interface ParameterSpec {
  readonly name: string;
  readonly type: ParameterType;
  readonly description: string;
  readonly default?: ParameterValue;
  readonly required: boolean;
  readonly minimum?: number;
  readonly maximum?: number;
  readonly pattern?: string;
  readonly maxLength?: number;
  readonly values?: readonly string[];
}

/** Position of a template's init containers and native sidecars among the Pod's own. */
export const InitContainerPosition = {
  /** Before the Pod's own init containers, so they run first. */
  First: 'first',
  /** After the Pod's own init containers. */
  Last: 'last',
} as const;
export type InitContainerPosition =
  (typeof InitContainerPosition)[keyof typeof InitContainerPosition];

/** Handling of a Pod when a template cannot be injected. */
export const FailurePolicy = {
  /** The Pod is rejected: the app cannot run without this sidecar. */
  Deny: 'deny',
  /** The Pod is admitted without the template, with a warning. */
  Admit: 'admit',
} as const;
export type FailurePolicy = (typeof FailurePolicy)[keyof typeof FailurePolicy];

/** Mounts and env vars a template gives the Pod's own containers. */
export interface AppContainerChanges {
  /** Placeholder or literal naming the app containers that get the changes. */
  readonly select: unknown;
  readonly volumeMounts: readonly JsonObject[];
  readonly env: readonly JsonObject[];
}

/** The body of a template before rendering: JSON with `{{parameter}}` placeholders. */
export interface TemplateBody {
  readonly containers: readonly JsonObject[];
  readonly initContainers: readonly JsonObject[];
  readonly volumes: readonly JsonObject[];
  readonly appContainers: AppContainerChanges;
}

/** A validated sidecar template loaded from a file. */
export interface SidecarTemplate {
  readonly name: string;
  readonly description: string;
  /** Template file the template came from, for messages. */
  readonly source: string;
  /** `sha256:` and the hex digest of the template's canonical JSON. */
  readonly hash: string;
  readonly parameters: readonly ParameterSpec[];
  readonly initContainerPosition: InitContainerPosition;
  /** Position of classic sidecars: `first` starts them before the app (see postStart). */
  readonly classicContainerPosition: InitContainerPosition;
  readonly failurePolicy: FailurePolicy;
  /** Whether the template may run in Windows Pods. */
  readonly windows: boolean;
  readonly body: TemplateBody;
}

/** Templates by name, in a stable order. */
export type TemplateSet = ReadonlyMap<string, SidecarTemplate>;
