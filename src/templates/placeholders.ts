import { formatParameterValue } from './parameters.js';
import type { ParameterValue } from './types.js';

/**
 * A `{{parameter-name}}` placeholder, with spaces allowed inside the braces and an
 * optional `| string` filter that keeps a number or boolean as text.
 */
export const PLACEHOLDER = /\{\{\s*([a-z][a-z0-9-]*)\s*(\|\s*string\s*)?\}\}/g;
const WHOLE_PLACEHOLDER = /^\{\{\s*([a-z][a-z0-9-]*)\s*(\|\s*string\s*)?\}\}$/;

/** Names the parameter when the whole string is one placeholder, else undefined. */
export function wholePlaceholder(text: string): string | undefined {
  return WHOLE_PLACEHOLDER.exec(text)?.[1];
}

/** Lists the parameter names used in a string, in order of appearance. */
export function placeholderNames(text: string): string[] {
  return [...text.matchAll(PLACEHOLDER)].map((match) => match[1]!);
}

/**
 * Substitutes parameters into one string from a parsed template. A string that
 * is exactly one placeholder becomes the typed value (a port stays a number,
 * for containerPort), unless it has the `| string` filter (for env values and
 * args, which Kubernetes requires as strings). Otherwise each placeholder is
 * replaced by the value's text. Replacement text is never scanned again, so a
 * value containing `{{x}}` stays literal. With `escapeDollar`, for command,
 * args and env, each `$` of a value becomes `$$`, because the kubelet expands
 * `$(VAR)` there and turns `$$` back into `$`.
 */
export function substitute(text: string, values: ReadonlyMap<string, ParameterValue>, escapeDollar = false): unknown {
  const escape = (value: string) => (escapeDollar ? value.replaceAll('$', '$$$$') : value);
  const whole = WHOLE_PLACEHOLDER.exec(text);
  if (whole !== null && whole[2] === undefined) {
    const value = values.get(whole[1]!);
    return typeof value === 'string' ? escape(value) : value;
  }
  if (!text.includes('{{')) {
    return text;
  }
  return text.replace(PLACEHOLDER, (_match, name: string) => {
    const value = values.get(name);
    return value === undefined ? '' : escape(formatParameterValue(value));
  });
}
