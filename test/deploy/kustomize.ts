import { execFile, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';

import { parseAllDocuments } from 'yaml';

const execFileAsync = promisify(execFile);

/** Identity and labels of a rendered Kubernetes object. */
export interface ObjectMeta {
  readonly name: string;
  readonly namespace?: string;
  readonly labels?: Readonly<Record<string, string>>;
  readonly annotations?: Readonly<Record<string, string>>;
}

/** A rendered Kubernetes object. Tests narrow the other fields by `kind`. */
export interface KubeObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: ObjectMeta;
  readonly [field: string]: unknown;
}

/** The output of `kubectl kustomize DIR`, as text and as parsed objects. */
export interface RenderedManifests {
  readonly dir: string;
  readonly text: string;
  readonly objects: readonly KubeObject[];
}

/**
 * Returns null when `kubectl` can be run from PATH, or the reason it cannot,
 * so suites can skip and log the reason. `kubectl version --client` does not
 * contact a cluster.
 */
export function findKubectl(): string | null {
  const result = spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8' });
  if (result.error) {
    return `kubectl not runnable from PATH (${result.error.message}): deploy manifest tests are skipped`;
  }
  if (result.status !== 0) {
    return `"kubectl version --client" exited with ${result.status}: ${result.stderr.trim()}`;
  }
  return null;
}

/** Runs `kubectl kustomize DIR` and parses the multi-document YAML output. */
export async function renderKustomization(dir: string): Promise<RenderedManifests> {
  const { stdout } = await execFileAsync('kubectl', ['kustomize', dir], {
    maxBuffer: 16 * 1024 * 1024,
  });

  const objects: KubeObject[] = [];
  for (const document of parseAllDocuments(stdout)) {
    if (document.errors.length > 0) {
      throw new Error(`kubectl kustomize ${dir} printed invalid YAML: ${document.errors[0]!.message}`);
    }
    const value: unknown = document.toJS();
    if (value !== null) {
      objects.push(value as KubeObject);
    }
  }
  return { dir, text: stdout, objects };
}

/** Returns every rendered object of one kind. */
export function objectsOfKind<T extends KubeObject>(
  rendered: RenderedManifests,
  kind: string,
): T[] {
  return rendered.objects.filter((object) => object.kind === kind) as T[];
}

/** Returns the one object of a kind and name, and throws when it is missing. */
export function findObject<T extends KubeObject>(
  rendered: RenderedManifests,
  kind: string,
  name: string,
): T {
  const found = objectsOfKind<T>(rendered, kind).find((object) => object.metadata.name === name);
  if (!found) {
    const names = objectsOfKind(rendered, kind).map((object) => object.metadata.name);
    throw new Error(
      `${kind} ${name} not found in the output of kubectl kustomize ${rendered.dir}. ` +
        `${kind} objects present: ${names.length > 0 ? names.join(', ') : 'none'}`,
    );
  }
  return found;
}
