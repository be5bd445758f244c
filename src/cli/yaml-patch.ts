import { isMap, isSeq, type Document } from 'yaml';
import type { AddOperation } from '../injection/patch.js';

/** Prints repeated objects in full: injected values are shared between Pods and must not become YAML aliases. */
export const NO_ALIASES = { aliasDuplicateObjects: false } as const;

/** Splits a JSON Pointer into unescaped segments (RFC 6901). */
export function parsePointer(pointer: string): string[] {
  if (pointer === '') {
    return [];
  }
  return pointer
    .slice(1)
    .split('/')
    .map((segment) => segment.replaceAll('~1', '/').replaceAll('~0', '~'));
}

/**
 * Applies `add` operations to a parsed YAML document below `base`, editing the
 * node tree so that the user's comments, key order and layout survive. Follows
 * RFC 6902 `add`: `-` appends, an index inserts, a map key is set. A missing
 * map on the way is created, since a pod template may lack `metadata`.
 */
export function applyToDocument(doc: Document, base: readonly (string | number)[], operations: readonly AddOperation[]): void {
  for (const operation of operations) {
    const segments = [...base, ...parsePointer(operation.path)];
    const last = segments.pop()!;
    const parent = doc.getIn(segments, true);
    if (isSeq(parent)) {
      const node = doc.createNode(operation.value, NO_ALIASES);
      if (last === '-') {
        parent.items.push(node);
      } else {
        parent.items.splice(Number(last), 0, node);
      }
    } else if (isMap(parent)) {
      parent.set(doc.createNode(String(last)), doc.createNode(operation.value, NO_ALIASES));
    } else {
      doc.setIn([...segments, last], doc.createNode(operation.value, NO_ALIASES));
    }
  }
}
