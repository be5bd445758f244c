import { copyFile, mkdir, mkdtemp, readFile, rename, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openConfigStore, type ConfigStore } from '../../src/config-store.js';
import { createLogger } from '../../src/log.js';
import { repoRoot } from '../support/checkers.js';
import { Writable } from 'node:stream';

/** Lays out a directory the way the kubelet projects a ConfigMap: files link into `..data`. */
async function projectConfigMap(dir: string, files: Record<string, string>, version: number): Promise<void> {
  const target = path.join(dir, `..2026_12_04_version_${version}`);
  await mkdir(target);
  for (const [name, text] of Object.entries(files)) {
    await writeFile(path.join(target, name), text);
  }
  const staging = path.join(dir, '..data_tmp');
  await symlink(path.basename(target), staging);
  await rename(staging, path.join(dir, '..data'));
  for (const name of Object.keys(files)) {
    await symlink(path.join('..data', name), path.join(dir, name)).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'EEXIST') throw error;
    });
  }
}

function memoryLogger() {
  const records: { level: number; msg: string; [key: string]: unknown }[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      records.push(JSON.parse(chunk.toString()));
      done();
    },
  });
  return { logger: createLogger('info', stream), records };
}

let dir: string;
let store: ConfigStore | undefined;
let waitFor: string;

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'sidecar-injector-reload-'));
  waitFor = await readFile(path.join(repoRoot, 'templates/wait-for.yaml'), 'utf8');
});

afterEach(async () => {
  store?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('config store', () => {
  test('reloads after a ..data swap', async () => {
    await projectConfigMap(dir, { 'wait-for.yaml': waitFor }, 1);
    const { logger } = memoryLogger();
    store = await openConfigStore({ templatesDir: dir, logger, pollMs: 60_000 });
    const before = store.current().templates.get('wait-for')!.hash;

    await projectConfigMap(dir, { 'wait-for.yaml': waitFor.replace('default: 300', 'default: 600') }, 2);
    await store.reload();
    expect(store.current().templates.get('wait-for')!.hash).not.toBe(before);
  });

  test('broken version keeps the old one', async () => {
    await projectConfigMap(dir, { 'wait-for.yaml': waitFor }, 1);
    const { logger, records } = memoryLogger();
    const errors: string[] = [];
    store = await openConfigStore({ templatesDir: dir, logger, pollMs: 60_000, onLoadError: (kind) => errors.push(kind) });
    const before = store.current();

    await projectConfigMap(dir, { 'wait-for.yaml': waitFor.replace('type: port', 'type: portnumber') }, 2);
    await store.reload();
    expect(store.current()).toBe(before);
    expect(errors).toEqual(['template']);
    const rejected = records.find((record) => record.msg === 'new template files rejected; the previous version keeps serving');
    expect(JSON.stringify(rejected?.problems)).toContain('wait-for.yaml');

    await projectConfigMap(dir, { 'wait-for.yaml': waitFor.replace('default: 300', 'default: 60') }, 3);
    await store.reload();
    expect(store.current()).not.toBe(before);
  });

  test('policy checked against new templates', async () => {
    const templates = path.join(dir, 'templates');
    const policies = path.join(dir, 'policies');
    await mkdir(templates);
    await mkdir(policies);
    await copyFile(path.join(repoRoot, 'templates/wait-for.yaml'), path.join(templates, 'wait-for.yaml'));
    await copyFile(path.join(repoRoot, 'templates/log-collector.yaml'), path.join(templates, 'log-collector.yaml'));
    await writeFile(
      path.join(policies, 'p.yaml'),
      'apiVersion: sidecar-injector.io/v1alpha1\nkind: SidecarPolicy\nmetadata: {name: p}\nspec:\n  rules:\n    - name: logs\n      default: [log-collector]\n',
    );
    const { logger } = memoryLogger();
    const errors: string[] = [];
    store = await openConfigStore({ templatesDir: templates, policiesDir: policies, logger, pollMs: 60_000, onLoadError: (kind) => errors.push(kind) });
    expect(store.current().policy.rules.map((rule) => rule.name)).toEqual(['logs']);

    await rm(path.join(templates, 'log-collector.yaml'));
    await store.reload();
    expect(errors).toEqual(['policy']);
    expect(store.current().templates.has('log-collector')).toBe(true);
  });
});
