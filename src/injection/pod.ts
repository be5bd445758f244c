import type { JsonObject } from '../templates/types.js';

/** Tells whether a decoded JSON value is a plain object. */
export function isObject(value: unknown): value is JsonObject {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Returns an object member, or an empty object when it is missing or not an object. */
export function objectAt(parent: unknown, key: string): JsonObject {
  const value = isObject(parent) ? parent[key] : undefined;
  return isObject(value) ? value : {};
}

/** Returns the object items of an array member, or [] when it is missing. */
export function objectsAt(parent: unknown, key: string): JsonObject[] {
  const value = isObject(parent) ? parent[key] : undefined;
  return Array.isArray(value) ? value.filter(isObject) : [];
}

/** Reads a string member, or undefined. */
export function stringAt(parent: unknown, key: string): string | undefined {
  const value = isObject(parent) ? parent[key] : undefined;
  return typeof value === 'string' ? value : undefined;
}

/** Names of every container in a Pod spec: regular, init and ephemeral. */
export function containerNames(spec: JsonObject): Set<string> {
  const names = new Set<string>();
  for (const field of ['containers', 'initContainers', 'ephemeralContainers']) {
    for (const container of objectsAt(spec, field)) {
      const name = stringAt(container, 'name');
      if (name !== undefined) {
        names.add(name);
      }
    }
  }
  return names;
}

/**
 * Compares two JSON values, ignoring key order. Used to recognise a
 * volume or mount that is already present in exactly the injected form.
 */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) {
    return true;
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((item, index) => jsonEqual(item, b[index]));
  }
  if (isObject(a) && isObject(b)) {
    const keys = Object.keys(a);
    return keys.length === Object.keys(b).length && keys.every((key) => Object.hasOwn(b, key) && jsonEqual(a[key], b[key]));
  }
  return false;
}
