// Only src/cluster/kube-client.ts may import @kubernetes/client-node, so
// tests of every other module run without loading that library.
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from '../support/checkers.js';

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      return sourceFiles(full);
    }
    return entry.name.endsWith('.ts') ? [full] : [];
  });
}

describe('client-node imports', () => {
  it('only kube-client.ts imports it', () => {
    const importers = sourceFiles(path.join(repoRoot, 'src'))
      .filter((file) => /from\s+['"]@kubernetes\/client-node['"]|import\(\s*['"]@kubernetes\/client-node['"]/.test(readFileSync(file, 'utf8')))
      .map((file) => path.relative(repoRoot, file));

    expect(importers).toEqual([path.join('src', 'cluster', 'kube-client.ts')]);
  });
});
