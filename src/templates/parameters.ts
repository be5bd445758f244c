import { parseQuantity } from './quantity.js';
import type { ParameterSpec, ParameterValue } from './types.js';

/** Result of parsing one parameter value: the typed value, or what is accepted. */
export type ParseResult =
  | { readonly ok: true; readonly value: ParameterValue }
  | { readonly ok: false; readonly expected: string };

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
// Same grammar as the reference format of the distribution project: optional
// registry, path components, then a tag and/or a sha256 digest.
const IMAGE =
  /^(?:[a-zA-Z0-9.-]+(?::[0-9]+)?\/)?[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*(?::[\w][\w.-]{0,127})?(?:@sha256:[a-f0-9]{64})?$/;
// Control characters other than tab and newline; `text` allows those two.
const CONTROL_EXCEPT_TAB_NEWLINE = /[\u0000-\u0008\u000b-\u001f\u007f]/;
const CONTROL = /[\u0000-\u001f\u007f]/;

const DEFAULT_MAX_LENGTH = 1024;
const TEXT_MAX_LENGTH = 64 * 1024;

function fail(expected: string): ParseResult {
  return { ok: false, expected };
}

function ok(value: ParameterValue): ParseResult {
  return { ok: true, value };
}

function parseInteger(raw: string, spec: ParameterSpec, low: number, high: number): ParseResult {
  const min = Math.max(spec.minimum ?? low, low);
  const max = Math.min(spec.maximum ?? high, high);
  const expected = `an integer from ${min} to ${max}`;
  if (!/^-?\d{1,16}$/.test(raw.trim())) {
    return fail(expected);
  }
  const value = Number(raw.trim());
  return value >= min && value <= max ? ok(value) : fail(expected);
}

function parseAbsolutePath(raw: string): ParseResult {
  const expected =
    'an absolute path such as /var/log/app whose segments use only letters, digits, ".", "_", "-", "@" and "+", without "." or ".." segments';
  const trimmed = raw.length > 1 ? raw.replace(/\/$/, '') : raw;
  if (!trimmed.startsWith('/') || trimmed.length > DEFAULT_MAX_LENGTH) {
    return fail(expected);
  }
  const segments = trimmed.split('/').slice(1);
  const isClean = segments.every((segment) => /^[A-Za-z0-9._@+-]+$/.test(segment) && segment !== '.' && segment !== '..');
  return isClean ? ok(trimmed) : fail(expected);
}

function parseContainerNames(raw: string): ParseResult {
  const expected = '"*" for all app containers, or a comma-separated list of container names';
  const trimmed = raw.trim();
  if (trimmed === '*') {
    return ok('*');
  }
  const names = trimmed
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name !== '');
  const isValid = names.length > 0 && names.every((name) => name.length <= 63 && DNS_LABEL.test(name));
  return isValid ? ok(names) : fail(expected);
}

function parseString(raw: string, spec: ParameterSpec): ParseResult {
  const maxLength = spec.maxLength ?? DEFAULT_MAX_LENGTH;
  const patternText = spec.pattern ? ` matching ${spec.pattern}` : '';
  const expected = `a single-line string of at most ${maxLength} characters${patternText}`;
  if (CONTROL.test(raw) || raw.length > maxLength) {
    return fail(expected);
  }
  if (spec.pattern && !new RegExp(`^(?:${spec.pattern})$`, 'u').test(raw)) {
    return fail(expected);
  }
  return ok(raw);
}

function parseText(raw: string, spec: ParameterSpec): ParseResult {
  const maxLength = spec.maxLength ?? TEXT_MAX_LENGTH;
  const isValid = !CONTROL_EXCEPT_TAB_NEWLINE.test(raw) && raw.length <= maxLength;
  return isValid ? ok(raw) : fail(`text of at most ${maxLength} characters without control characters`);
}

function parseByPattern(raw: string, pattern: RegExp, expected: string, maxLength = 253): ParseResult {
  return raw.length <= maxLength && pattern.test(raw) ? ok(raw) : fail(expected);
}

/**
 * Parses an annotation value (always a string) into the parameter's type.
 * Every type rejects values that could not be placed in its slot as one
 * literal value, so an annotation can never change the shape of a sidecar.
 */
export function parseParameterValue(spec: ParameterSpec, raw: string): ParseResult {
  switch (spec.type) {
    case 'string':
      return parseString(raw, spec);
    case 'text':
      return parseText(raw, spec);
    case 'integer':
      return parseInteger(raw, spec, Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER);
    case 'port':
      return parseInteger(raw, spec, 1, 65535);
    case 'boolean':
      return raw === 'true' || raw === 'false' ? ok(raw === 'true') : fail('"true" or "false"');
    case 'absolutePath':
      return parseAbsolutePath(raw);
    case 'fileName':
      return parseByPattern(raw, /^(?!\.\.?$)[A-Za-z0-9._-]+$/, 'a file name of letters, digits, ".", "_" and "-"', 255);
    case 'hostname': {
      const isHost = DNS_SUBDOMAIN.test(raw) || IPV4.test(raw);
      return raw.length <= 253 && isHost ? ok(raw) : fail('a DNS name such as db.prod.svc or an IPv4 address');
    }
    case 'image':
      return parseByPattern(raw, IMAGE, 'a container image reference such as registry.example.com/team/app:1.2', 512);
    case 'quantity': {
      // Resource amounts and volume sizes cannot be negative.
      const amount = raw.length <= 64 ? parseQuantity(raw) : undefined;
      return amount !== undefined && amount >= 0 ? ok(raw) : fail('a non-negative Kubernetes quantity such as 100m, 64Mi or 1');
    }
    case 'envName':
      return parseByPattern(raw, ENV_NAME, 'an environment variable name such as DB_HOST', 256);
    case 'enum': {
      const values = spec.values ?? [];
      return values.includes(raw) ? ok(raw) : fail(`one of ${values.map((v) => `"${v}"`).join(', ')}`);
    }
    case 'containerNames':
      return parseContainerNames(raw);
  }
}

/** Formats a parameter value for a message or a partial placeholder. */
export function formatParameterValue(value: ParameterValue): string {
  return Array.isArray(value) ? value.join(',') : String(value);
}
