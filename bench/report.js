// Checks the goals and renders the results as Markdown for docs/benchmarks.md.
// Only the part between the two markers is rewritten, so the prose around it
// stays as written.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { DISTURBED_SHARE } from './machine.js';
import { median } from './stats.js';

export const START_MARKER = '<!-- results:start (written by npm run bench; edit outside the markers) -->';
export const END_MARKER = '<!-- results:end -->';

const MiB = 1024 * 1024;

/**
 * Checks the goals against the run's results. Each goal has a `kind`
 * (throughput, handler or memory), the text shown, the measured value, pass,
 * how far it missed, and the servers and inputs to profile when it misses.
 */
export function evaluateGoals(results) {
  const load = (name) => results.load.find((row) => row.input === name);
  const atLeast = (measured, target) => ({ pass: measured >= target, miss: measured >= target ? '' : `${percent((target - measured) / target)} below` });
  const atMost = (measured, target) => ({ pass: measured <= target, miss: measured <= target ? '' : `${percent((measured - target) / target)} over` });
  const handlerGoal = (input, targetMs) => ({
    kind: 'handler',
    goal: `handler p99 ≤ ${targetMs} ms at ${input}`,
    measured: `${ms(load(input).timed.handlerP99)} ms`,
    profile: [{ kind: 'webhook', input }],
    ...atMost(load(input).timed.handlerP99, targetMs),
  });
  const ratio = load('10 KB').ratio;
  const rss = results.fixedRate.rows.webhook.rssPeak;
  return [
    { kind: 'throughput', goal: 'throughput ≥ 90% of the floor at 10 KB', measured: percent(ratio), profile: [{ kind: 'webhook', input: '10 KB' }, { kind: 'floor', input: '10 KB' }], ...atLeast(ratio, 0.9) },
    handlerGoal('10 KB', 1),
    handlerGoal('pathological', 5),
    handlerGoal('3 MiB', 50),
    { kind: 'memory', goal: `RSS < 80 MiB at ${results.fixedRate.rate} requests/s`, measured: `${mib(rss)} MiB peak`, profile: [], pass: rss < 80 * MiB, miss: rss < 80 * MiB ? '' : `${percent((rss - 80 * MiB) / (80 * MiB))} over` },
  ];
}

function percent(share) {
  return `${(share * 100).toFixed(1)}%`;
}

function ms(value) {
  return value >= 10 ? value.toFixed(1) : value.toFixed(2);
}

function mib(bytes) {
  return (bytes / MiB).toFixed(1);
}

function table(header, rows) {
  const line = (cells) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

function seconds(value) {
  if (value === undefined) {
    return 'n/a';
  }
  return value === Infinity ? '> 1 s' : `≤ ${value * 1000} ms`;
}

function loadTables(results) {
  const throughput = table(
    ['Input', 'Floor req/s', 'Webhook req/s', 'Webhook / floor', 'Floor p50 / p99 ms', 'Webhook p50 / p99 ms', 'Floor CPU µs/req', 'Webhook CPU µs/req', 'Floor RSS peak MiB', 'Webhook RSS peak MiB'],
    results.load.map((r) => [r.input, r.floor.rps.toFixed(0), r.webhook.rps.toFixed(0), percent(r.ratio), `${ms(r.floor.p50)} / ${ms(r.floor.p99)}`, `${ms(r.webhook.p50)} / ${ms(r.webhook.p99)}`, r.floor.cpuPerRequestUs.toFixed(0), r.webhook.cpuPerRequestUs.toFixed(0), mib(r.floor.rssPeak), mib(r.webhook.rssPeak)]),
  );
  const handler = table(
    ['Input', 'Handler p50 ms', 'Handler p99 ms', 'Samples', 'Timed server req/s', 'Histogram p50 (GET /metrics)', 'Histogram p99 (GET /metrics)'],
    results.load.map((r) => [r.input, ms(r.timed.handlerP50), ms(r.timed.handlerP99), String(r.timed.handlerCount), r.timed.rps.toFixed(0), seconds(r.webhook.metricsP50Seconds), seconds(r.webhook.metricsP99Seconds)]),
  );
  const fixed = results.fixedRate;
  const memory = table(
    ['Server', 'Achieved req/s', 'p50 / p99 ms', 'RSS at rest MiB', 'RSS peak MiB', 'RSS median MiB', 'RSS at end MiB', 'RssAnon peak MiB', 'RssFile peak MiB'],
    Object.entries(fixed.rows).map(([label, w]) => [label, w.rps.toFixed(0), `${ms(w.p50)} / ${ms(w.p99)}`, mib(w.idle.rss), mib(w.rssPeak), mib(w.rssMedian), mib(w.rssEnd), mib(w.anonPeak), mib(w.filePeak)]),
  );
  const [bare] = results.memoryBreakdown;
  const breakdown = table(
    ['Imported', 'RSS MiB', 'RssAnon MiB', 'RssFile MiB', 'RSS over node:https alone MiB'],
    results.memoryBreakdown.map((row) => [row.modules, mib(row.rss), mib(row.anon), mib(row.file), row === bare ? '' : `+${mib(row.rss - bare.rss)}`]),
  );
  const parts = results.memoryParts;
  const split = parts
    ? table(
        ['Part', 'MiB'],
        [
          ['RSS', mib(parts.rss)],
          ['mapped files (node binary, libraries)', mib(parts.file)],
          ['V8 new space, committed', mib(parts.newSpace)],
          ['rest of the V8 heap, committed', mib(parts.v8Other)],
          ['malloc heap (`[heap]`)', mib(parts.mallocHeap)],
          ['other anonymous memory', mib(parts.otherAnon)],
          ['external memory (Buffers and others, inside the two rows above)', mib(parts.external)],
        ],
      )
    : '';
  return { throughput, handler, memory, breakdown, split };
}

function admitTable(results) {
  const baseline = results.admit[0];
  return table(
    ['Input', 'Body bytes', 'Containers', 'Patch ops', 'Patch bytes', 'admit() µs/op', 'vs 2 KB', 'µs per patch op', 'Parse µs', 'Stringify µs'],
    results.admit.map((r) => [r.name, String(r.bodyBytes), String(r.containers), String(r.patchOperations), String(r.patchBytes), r.admitUs.toFixed(1), `${(r.admitUs / baseline.admitUs).toFixed(2)}×`, (r.admitUs / r.patchOperations).toFixed(1), r.parseUs.toFixed(1), r.stringifyUs.toFixed(1)]),
  );
}

function profileSection(profile) {
  const areas = table(['Area', 'Self ms', 'Share of busy time'], profile.areas.slice(0, 8).map((a) => [a.area, a.selfMs.toFixed(0), percent(a.share)]));
  const functions = table(['Function', 'Where', 'Area', 'Self ms', 'Share'], profile.functions.map((f) => [`\`${f.name}\``, f.location === '' ? '' : `\`${f.location}\``, f.area, f.selfMs.toFixed(0), percent(f.share)]));
  const parts = [`#### ${profile.kind} at ${profile.input}`, `Busy (non-idle) time after the first request: ${(profile.busyMs / 1000).toFixed(1)} s.`, 'Self time by area:', areas, 'Top functions by self time:', functions];
  if (profile.productTotals.length > 0) {
    parts.push(
      "The product's functions by total time (self plus callees):",
      table(['Function', 'Where', 'Total ms', 'Share'], profile.productTotals.map((f) => [`\`${f.name}\``, `\`${f.location}\``, f.totalMs.toFixed(0), percent(f.share)])),
    );
  }
  return parts.join('\n\n');
}

/** Renders the generated section, markers included. */
export function renderResults(results) {
  const { machine, settings } = results;
  const tables = loadTables(results);
  const disturbed = results.foreignCpu.filter((share) => share > DISTURBED_SHARE).length;
  const goals = table(['Goal', 'Measured', 'Result'], results.goals.map((g) => [g.goal, g.measured, g.pass ? 'pass' : `miss: ${g.miss}`]));
  const inputs = table(
    ['Input', 'Body bytes', 'Containers', 'Init containers', 'Env vars'],
    results.inputs.map((i) => [i.name, String(i.bodyBytes), String(i.containers), String(i.initContainers), String(i.envVars)]),
  );
  const profiles = results.profiles.length === 0 ? 'Every goal passed, so no profile was taken.' : results.profiles.map(profileSection).join('\n\n');
  return `${START_MARKER}
## Results

- Command: \`${results.command}\`
- Date: ${results.date}
- Machine: ${machine.cpu}, ${machine.cores} logical cores, ${machine.memoryGiB.toFixed(1)} GiB memory, ${machine.kernel}
- Node.js: ${machine.node}
- Load: autocannon over HTTPS (TLS 1.3) keep-alive, ${settings.connections} connections, one request in flight per connection, POST /mutate to 127.0.0.1. Each server is warmed up for ${settings.warmup} s, then measured in ${settings.runs} windows of ${settings.duration} s; medians shown.
- The load generator and the server share the ${machine.cores} cores. Before each measured window the benchmark waits (up to 30 s) until other processes use at most ${percent(DISTURBED_SHARE)} of the machine's CPU, and a window during which they used more is measured once more, keeping the quieter of the two. Other processes used ${percent(median(results.foreignCpu))} in the median window and ${percent(Math.max(...results.foreignCpu))} at most; ${disturbed} of ${results.foreignCpu.length} windows kept more than ${percent(DISTURBED_SHARE)}.

### Goals

${goals}

### Inputs

Every input is an AdmissionReview for CREATE of a Pod whose \`sidecar-injector.io/inject\` annotation requests \`log-collector, metrics-adapter\`.

${inputs}

### Throughput and latency

CPU µs/req is the server process's user + system CPU time over the window (from /proc/PID/stat, 10 ms ticks) divided by the 2xx responses. Unlike req/s, it does not depend on how the two cores are shared with the load generator.

${tables.throughput}

### Handler time inside the process

Handler p50/p99 come from \`bench/timed-server.js\` under the same load: the time from the last body byte to the return of the handler. The histogram columns are the bucket bounds of \`sidecar_injector_handler_duration_seconds\` that hold p50 and p99, scraped from the real webhook's GET /metrics over its measured windows.

${tables.handler}

### Memory at a fixed rate

${results.fixedRate.rate} requests/s of the ${results.fixedRate.input} input over ${results.fixedRate.connections} connections for ${results.fixedRate.duration} s, after ${settings.warmup} s of warm-up at that rate. RSS is sampled from /proc/PID/status every 100 ms; RSS at rest is read 0.5 s after start, before any request.

${tables.memory}

What the webhook's RSS at rest is made of: each row is a fresh Node process that imports the modules and does nothing else (\`bench/memory-breakdown.js\`), read after a forced GC.

${tables.breakdown}
${tables.split === '' ? '' : `
Where the webhook's RSS goes at the end of a second run at the same rate, with \`bench/memory-report.js\` preloaded to read V8's side. V8 sizes are committed memory, which need not all be resident. The malloc heap is the \`[heap]\` mapping in /proc/PID/smaps. Other anonymous memory is RssAnon minus the V8 and malloc heaps, so it is a lower bound: thread stacks, malloc's other arenas, large Buffers in their own mappings. One run; these parts vary by tens of MiB between runs.

${tables.split}
`}
### Patch building alone

\`admit()\` on the decoded review, in a loop in one process; parse is \`JSON.parse(body.toString())\` and stringify is \`JSON.stringify\` of the response, for comparison. Median of 5 batches of ${settings.admitBudgetMs / 5} ms each after a warm-up.

${admitTable(results)}

### Profiles

${profiles}
${END_MARKER}`;
}

/** Replaces the generated section of `file`, or writes `header` plus the section when the file has no markers. */
export function writeResults(file, section, header) {
  const current = existsSync(file) ? readFileSync(file, 'utf8') : '';
  const start = current.indexOf(START_MARKER);
  const end = current.indexOf(END_MARKER);
  const next = start >= 0 && end > start ? current.slice(0, start) + section + current.slice(end + END_MARKER.length) : `${header}\n${section}\n`;
  writeFileSync(file, next);
}
