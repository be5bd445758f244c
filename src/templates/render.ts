import { substitute } from './placeholders.js';
import type { JsonObject, ParameterValue, SidecarTemplate } from './types.js';

/** A template with its parameters placed: plain Kubernetes objects, ready to inject. */
export interface RenderedTemplate {
  readonly template: SidecarTemplate;
  readonly parameters: ReadonlyMap<string, ParameterValue>;
  readonly containers: readonly JsonObject[];
  readonly initContainers: readonly JsonObject[];
  readonly volumes: readonly JsonObject[];
  /** App containers that get the mounts and env: "*" for all, or names. */
  readonly appContainerSelection: '*' | readonly string[];
  readonly appVolumeMounts: readonly JsonObject[];
  readonly appEnv: readonly JsonObject[];
}

/** Container fields where the kubelet expands `$(VAR)` references. */
const EXPANDED_FIELDS = new Set(['command', 'args', 'env']);

/**
 * Copies a parsed template value, substituting parameters in every string.
 * Only values change: objects keep their keys and arrays their length, so the
 * rendered shape is the template's shape whatever the parameter values are.
 */
function renderValue(value: unknown, values: ReadonlyMap<string, ParameterValue>, expanded = false): unknown {
  if (typeof value === 'string') {
    return substitute(value, values, expanded);
  }
  if (Array.isArray(value)) {
    return value.map((item) => renderValue(item, values, expanded));
  }
  if (value !== null && typeof value === 'object') {
    const copy: JsonObject = {};
    for (const [key, inner] of Object.entries(value)) {
      copy[key] = renderValue(inner, values, expanded || EXPANDED_FIELDS.has(key));
    }
    return copy;
  }
  return value;
}

function renderList(list: readonly JsonObject[], values: ReadonlyMap<string, ParameterValue>): JsonObject[] {
  return list.map((item) => renderValue(item, values) as JsonObject);
}

function toSelection(value: unknown): '*' | readonly string[] {
  if (Array.isArray(value)) {
    return value.map(String);
  }
  return typeof value === 'string' && value !== '*'
    ? value.split(',').map((name) => name.trim()).filter((name) => name !== '')
    : '*';
}

/** Renders a template with parameter values that were already parsed and validated. */
export function renderTemplate(
  template: SidecarTemplate,
  values: ReadonlyMap<string, ParameterValue>,
): RenderedTemplate {
  const { body } = template;
  return {
    template,
    parameters: values,
    containers: renderList(body.containers, values),
    initContainers: renderList(body.initContainers, values),
    volumes: renderList(body.volumes, values),
    appContainerSelection: toSelection(renderValue(body.appContainers.select, values)),
    appVolumeMounts: renderList(body.appContainers.volumeMounts, values),
    appEnv: body.appContainers.env.map((item) => renderValue(item, values, true) as JsonObject),
  };
}
