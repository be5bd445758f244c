#!/usr/bin/env node
// Entry point of the `sidecar-injector` command: `inject` and the other offline
// commands run here; `serve` (or no command) starts the webhook server.
import { existsSync } from 'node:fs';

const dist = new URL('../dist/', import.meta.url);
if (!existsSync(new URL('cli/main.js', dist))) {
  process.stderr.write('sidecar-injector: dist/ is missing; run `npm run build` first\n');
  process.exit(1);
}
const { runCli } = await import(new URL('cli/main.js', dist).href);
const result = await runCli(process.argv.slice(2));
if (result === 'serve') {
  await import(new URL('main.js', dist).href);
} else {
  process.exitCode = result;
}
