// Breaks the webhook's memory at rest down by what it imports: each row is a
// fresh Node process that imports one dependency (or all of dist/main.js's
// imports) and nothing else, compared with one that imports only node:https.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

function measure(specifiers) {
  const output = execFileSync(process.execPath, ['--expose-gc', path.join(ROOT, 'bench/import-rss.js'), ...specifiers], { cwd: ROOT, encoding: 'utf8' });
  return JSON.parse(output);
}

/** The relative imports of dist/main.js, as file URLs, so the list follows main as it changes. */
function mainImports() {
  const source = readFileSync(path.join(ROOT, 'dist/main.js'), 'utf8');
  return [...source.matchAll(/^import\s[^;]*?from\s+'(\.[^']+)'/gm)].map(([, relative]) => pathToFileURL(path.join(ROOT, 'dist', relative)).href);
}

/** Returns rows of { modules, rss, anon, file } in bytes, the first being node:https alone. */
export function memoryBreakdown() {
  const sets = [
    ['node:https alone', []],
    ['express', ['express']],
    ['pino', ['pino']],
    ['prom-client', ['prom-client']],
    ['yaml', ['yaml']],
    ['ajv', ['ajv']],
    ['@peculiar/x509', ['reflect-metadata', '@peculiar/x509']],
    ['@kubernetes/client-node', ['@kubernetes/client-node']],
    ['everything dist/main.js imports', mainImports()],
  ];
  return sets.map(([modules, specifiers]) => ({ modules, ...measure(specifiers) }));
}
