/** Default annotation prefix; `--annotation-prefix` changes it. */
export const DEFAULT_ANNOTATION_PREFIX = 'sidecar-injector.io';

/** The annotation keys the injector reads and writes under one prefix. */
export interface AnnotationKeys {
  readonly prefix: string;
  /** Comma-separated template names to inject, in order: `<prefix>/inject`. */
  readonly inject: string;
  /** Written by the injector: what it injected, as JSON: `<prefix>/status`. */
  readonly status: string;
  /** Pod-level override of the sidecar mode, "true" or "false": `<prefix>/native-sidecars`. */
  readonly nativeSidecars: string;
}

/** Builds the annotation keys for a prefix such as `sidecar-injector.io`. */
export function annotationKeys(prefix: string = DEFAULT_ANNOTATION_PREFIX): AnnotationKeys {
  return {
    prefix,
    inject: `${prefix}/inject`,
    status: `${prefix}/status`,
    nativeSidecars: `${prefix}/native-sidecars`,
  };
}

/** Annotation key of a template parameter: `<prefix>/<template>.<parameter>`. */
export function parameterAnnotation(keys: AnnotationKeys, template: string, parameter: string): string {
  return `${keys.prefix}/${template}.${parameter}`;
}

/** A `<prefix>/<template>.<parameter>` annotation split into its parts. */
export interface ParameterAnnotation {
  readonly key: string;
  readonly template: string;
  readonly parameter: string;
  readonly value: string;
}

/**
 * Lists the parameter annotations of a Pod. Template names are DNS labels and
 * hold no dot, so the first dot after the prefix separates template and parameter.
 */
export function readParameterAnnotations(
  keys: AnnotationKeys,
  annotations: Readonly<Record<string, unknown>>,
): ParameterAnnotation[] {
  const start = `${keys.prefix}/`;
  const found: ParameterAnnotation[] = [];
  for (const [key, value] of Object.entries(annotations)) {
    if (!key.startsWith(start)) {
      continue;
    }
    const name = key.slice(start.length);
    const dot = name.indexOf('.');
    if (dot <= 0 || dot === name.length - 1) {
      continue;
    }
    found.push({ key, template: name.slice(0, dot), parameter: name.slice(dot + 1), value: String(value) });
  }
  return found;
}

/** Splits the inject annotation into template names, dropping blanks. */
export function readTemplateList(value: unknown): string[] {
  if (typeof value !== 'string') {
    return [];
  }
  return value
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name !== '');
}

/**
 * Lists annotations under the prefix that the injector does not read, such as
 * a misspelt `inject` or a parameter without its template name, so that the
 * Pod's author gets a warning instead of a silently ignored setting.
 */
export function unknownAnnotations(keys: AnnotationKeys, annotations: Readonly<Record<string, unknown>>): string[] {
  const known = new Set([keys.inject, keys.status, keys.nativeSidecars]);
  return Object.keys(annotations).filter((key) => {
    if (!key.startsWith(`${keys.prefix}/`) || known.has(key)) {
      return false;
    }
    const dot = key.indexOf('.', keys.prefix.length + 1);
    return dot <= keys.prefix.length + 1 || dot === key.length - 1;
  });
}
