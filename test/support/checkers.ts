import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Repository root, found from this file's location. */
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** The read-only corpus of third-party manifests, beside the repository when present. */
export const corpusDir = path.resolve(repoRoot, '../shared/corpus');

const checkersDir = path.join(repoRoot, '.tools/checkers');

/** Paths of the built external checkers, or null with the reason they are missing. */
export interface Checkers {
  readonly patchcheck: string;
  readonly podcheck: string;
}

/**
 * Returns the checkers built by scripts/build-checkers.sh (run by `npm test` before
 * jest), or a reason string when they cannot be used, so suites can skip and log why.
 */
export function findCheckers(): Checkers | string {
  if (!existsSync(corpusDir)) {
    return `${corpusDir} not found: corpus and checker suites are skipped`;
  }
  const patchcheck = path.join(checkersDir, 'bin/patchcheck');
  const podcheck = path.join(checkersDir, 'podcheck.mjs');
  if (!existsSync(patchcheck) || !existsSync(podcheck)) {
    return `checkers not built in ${checkersDir}: run scripts/build-checkers.sh`;
  }
  return { patchcheck, podcheck };
}

/** Exit code and output of one checker run. */
export interface CheckerResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

function run(command: string, args: readonly string[]): Promise<CheckerResult> {
  return new Promise((resolve) => {
    execFile(command, args, { maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      let code = 0;
      if (error) {
        code = typeof error.code === 'number' ? error.code : 1;
      }
      resolve({ code, stdout, stderr });
    });
  });
}

async function withTempFiles<T>(
  files: Record<string, string>,
  body: (dir: string) => Promise<T>,
): Promise<T> {
  const dir = await mkdtemp(path.join(tmpdir(), 'sidecar-injector-check-'));
  try {
    for (const [name, content] of Object.entries(files)) {
      await writeFile(path.join(dir, name), content);
    }
    return await body(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * Runs patchcheck on an AdmissionReview request and the webhook's response, as
 * kube-apiserver would apply them, and returns the patched object on success.
 */
export async function runPatchcheck(
  checkers: Checkers,
  request: unknown,
  response: unknown,
): Promise<CheckerResult & { readonly object?: unknown }> {
  return withTempFiles(
    { 'request.json': JSON.stringify(request), 'response.json': JSON.stringify(response) },
    async (dir) => {
      const result = await run(checkers.patchcheck, [
        '--quiet',
        '--review',
        path.join(dir, 'response.json'),
        path.join(dir, 'request.json'),
      ]);
      if (result.code !== 0 || result.stdout.trim() === '') {
        return result;
      }
      return { ...result, object: JSON.parse(result.stdout) };
    },
  );
}

/** Kubernetes 1.34 OpenAPI document that podcheck derives its strict schema from. */
export const swaggerPath = path.join(corpusDir, 'schema/kubernetes-1.34-swagger.json');

/**
 * Runs podcheck's strict schema and Pod rules on YAML or JSON text. The schema
 * is passed explicitly because podcheck's default path is relative to its own
 * folder, which the built copy in .tools/checkers does not mirror.
 */
export async function runPodcheck(checkers: Checkers, text: string): Promise<CheckerResult> {
  return withTempFiles({ 'objects.yaml': text }, (dir) =>
    run(process.execPath, [checkers.podcheck, '--quiet', '--schema', swaggerPath, path.join(dir, 'objects.yaml')]),
  );
}
