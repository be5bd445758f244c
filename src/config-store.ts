import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from 'pino';
import { loadPolicies } from './policy/load.js';
import { EMPTY_POLICY, type PolicySet } from './policy/types.js';
import { loadTemplates } from './templates/load.js';
import type { TemplateSet } from './templates/types.js';
import { FileLoadError } from './yaml-file.js';

/** Templates and policies that were validated together and serve together. */
export interface ConfigSnapshot {
  readonly templates: TemplateSet;
  readonly policy: PolicySet;
}

/** Directories of templates and policies, and the poll interval for changes. */
export interface ConfigStoreOptions {
  readonly templatesDir: string;
  readonly policiesDir?: string;
  readonly logger: Logger;
  /** Called with `template` or `policy` when a new version is rejected. */
  readonly onLoadError?: (kind: 'template' | 'policy') => void;
  readonly pollMs?: number;
}

/** The serving snapshot, replaced only by a new version that loads cleanly. */
export interface ConfigStore {
  current(): ConfigSnapshot;
  /** Checks the directories now, as the timer does; resolves when done. */
  reload(): Promise<void>;
  close(): void;
}

/**
 * Summarises a directory so that any change shows: its entries, and for each
 * YAML file the identity of the file it resolves to. A ConfigMap volume swaps
 * a `..data` symlink, which changes the inode every file resolves to.
 */
async function fingerprint(directory: string | undefined): Promise<string> {
  if (directory === undefined) {
    return '';
  }
  const entries = (await readdir(directory)).sort();
  const parts = await Promise.all(
    entries
      .filter((name) => /\.ya?ml$/.test(name))
      .map(async (name) => {
        const info = await stat(path.join(directory, name));
        return `${name}:${info.ino}:${info.size}:${info.mtimeMs}`;
      }),
  );
  return `${entries.join(',')}|${parts.join(',')}`;
}

async function loadSnapshot(templatesDir: string, policiesDir: string | undefined): Promise<ConfigSnapshot> {
  const templates = await loadTemplates(templatesDir);
  const policy = policiesDir === undefined ? EMPTY_POLICY : await loadPolicies(policiesDir, templates);
  return { templates, policy };
}

function describe(snapshot: ConfigSnapshot) {
  return {
    templates: [...snapshot.templates.values()].map(({ name, hash }) => ({ name, hash })),
    rules: snapshot.policy.rules.map((rule) => rule.name),
  };
}

/**
 * Loads templates and policies, then polls their directories. A changed
 * version is validated as a whole (policies against the new templates) before
 * it replaces the serving one. A broken version is logged and counted, and the
 * last good version keeps serving. Throws when the first load fails.
 */
export async function openConfigStore(options: ConfigStoreOptions): Promise<ConfigStore> {
  const { templatesDir, policiesDir, logger } = options;
  let seen = `${await fingerprint(templatesDir)}#${await fingerprint(policiesDir)}`;
  let snapshot = await loadSnapshot(templatesDir, policiesDir);
  let running: Promise<void> | undefined;

  const check = async () => {
    const now = `${await fingerprint(templatesDir)}#${await fingerprint(policiesDir)}`;
    if (now === seen) {
      return;
    }
    seen = now;
    try {
      snapshot = await loadSnapshot(templatesDir, policiesDir);
      logger.info(describe(snapshot), 'templates and policies reloaded');
    } catch (error) {
      const kind = (error as FileLoadError).code === 'PolicyLoadError' ? 'policy' : 'template';
      options.onLoadError?.(kind);
      const problems = error instanceof FileLoadError ? error.errors : [{ message: (error as Error).message }];
      logger.error({ kind, problems }, `new ${kind} files rejected; the previous version keeps serving`);
    }
  };
  const reload = () => {
    running ??= check()
      .catch((error: unknown) => logger.error({ err: error, templatesDir, policiesDir }, 'cannot read the configuration directories'))
      .finally(() => (running = undefined));
    return running;
  };
  const timer = setInterval(() => void reload(), options.pollMs ?? 5000);
  timer.unref();

  return { current: () => snapshot, reload, close: () => clearInterval(timer) };
}
