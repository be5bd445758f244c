/** One RFC 6902 operation. The injector only adds, so every path it writes is new. */
export interface AddOperation {
  readonly op: 'add';
  readonly path: string;
  readonly value: unknown;
}

/** Escapes one JSON Pointer segment: `~` as `~0`, then `/` as `~1` (RFC 6901). */
export function escapePathSegment(segment: string): string {
  return segment.replaceAll('~', '~0').replaceAll('/', '~1');
}

/** Joins segments into a JSON Pointer, escaping each one. */
export function pointer(...segments: readonly (string | number)[]): string {
  return segments.map((segment) => `/${escapePathSegment(String(segment))}`).join('');
}

/**
 * Adds items to an array member of an object that may lack it. kube-apiserver
 * applies patches with evanphx/json-patch, which fails `add .../-` when the
 * array is missing ("doc is missing path"), so a missing or null member is
 * added whole and an existing one is appended to.
 */
export function appendItems(
  ops: AddOperation[],
  parent: Readonly<Record<string, unknown>>,
  parentPath: string,
  member: string,
  items: readonly unknown[],
): void {
  if (items.length === 0) {
    return;
  }
  const memberPath = `${parentPath}/${escapePathSegment(member)}`;
  if (!Array.isArray(parent[member])) {
    ops.push({ op: 'add', path: memberPath, value: [...items] });
    return;
  }
  for (const item of items) {
    ops.push({ op: 'add', path: `${memberPath}/-`, value: item });
  }
}

/** Sets one key of a map member that may be missing, such as one annotation. */
export function setMapEntry(
  ops: AddOperation[],
  parent: Readonly<Record<string, unknown>>,
  parentPath: string,
  member: string,
  key: string,
  value: unknown,
): void {
  const memberPath = `${parentPath}/${escapePathSegment(member)}`;
  const map = parent[member];
  if (map === null || typeof map !== 'object' || Array.isArray(map)) {
    ops.push({ op: 'add', path: memberPath, value: { [key]: value } });
    return;
  }
  ops.push({ op: 'add', path: `${memberPath}/${escapePathSegment(key)}`, value });
}
