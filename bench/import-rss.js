// Prints the memory of a Node process that has imported the given modules and
// done nothing else, as one JSON line: { rss, anon, file } in bytes. Run with
// --expose-gc so that garbage from loading is collected before reading.
// Usage: node --expose-gc bench/import-rss.js [SPECIFIER...]
import { readFileSync } from 'node:fs';
import 'node:https';

for (const specifier of process.argv.slice(2)) {
  await import(specifier);
}
globalThis.gc?.();
await new Promise((resolve) => setTimeout(resolve, 200));

const status = readFileSync('/proc/self/status', 'utf8');
const field = (name) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? Number.NaN) * 1024;
process.stdout.write(`${JSON.stringify({ rss: field('VmRSS'), anon: field('RssAnon'), file: field('RssFile') })}\n`);
