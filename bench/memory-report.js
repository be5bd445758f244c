// Preloaded into a server with `node --import ./bench/memory-report.js` for
// the memory diagnosis. On SIGUSR2 it writes one line to stderr:
// `memory-report {json}` with process.memoryUsage() and the committed size of
// each V8 heap space, in bytes. It adds a signal handler and nothing else.
import { writeSync } from 'node:fs';
import v8 from 'node:v8';

process.on('SIGUSR2', () => {
  const spaces = Object.fromEntries(v8.getHeapSpaceStatistics().map((space) => [space.space_name, space.space_size]));
  writeSync(2, `memory-report ${JSON.stringify({ ...process.memoryUsage(), spaces })}\n`);
});
