// Benchmark of the webhook against a bare node:https floor, run by `npm run bench`.
// See USAGE below and docs/benchmarks.md for what is measured and how.
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { generateSelfSigned } from '../dist/tls/self-signed.js';
import { benchAdmit } from './admit-bench.js';
import { buildInputs } from './inputs.js';
import { machineInfo } from './machine.js';
import { memoryBreakdown } from './memory-breakdown.js';
import { benchFixedRate, benchInput, diagnoseMemory, profileRun } from './measure.js';
import { evaluateGoals, renderResults, writeResults } from './report.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const DOC = path.join(ROOT, 'docs/benchmarks.md');

const USAGE = `Usage: npm run bench [-- FLAGS]

Measures the webhook (dist/main.js) against a bare node:https floor over HTTPS
keep-alive on 127.0.0.1 and writes the results to docs/benchmarks.md.

  --quick             short run (1 window of 2 s per server, 5 s at the fixed rate);
                      prints the results and writes no file unless --out is given
  --out FILE          Markdown file to write the results into
                      (default: docs/benchmarks.md, or none with --quick)
  --runs N            measured windows per server and input (default 3)
  --duration S        seconds per measured window (default 3)
  --connections N     keep-alive connections (default 8)
  --profile           profile the webhook at every input with a handler goal,
                      not only where a goal is missed
  --help              print this text
`;

function positive(name, text) {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) {
    throw new Error(`--${name} is "${text}"; expected a positive integer`);
  }
  return value;
}

function parseSettings(argv) {
  const { values } = parseArgs({
    args: argv,
    options: {
      quick: { type: 'boolean', default: false },
      out: { type: 'string' },
      runs: { type: 'string' },
      duration: { type: 'string' },
      connections: { type: 'string', default: '8' },
      profile: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  const quick = values.quick;
  return {
    help: values.help,
    quick,
    out: values.out ?? (quick ? undefined : DOC),
    profileAll: values.profile,
    runs: positive('runs', values.runs ?? (quick ? '1' : '3')),
    duration: positive('duration', values.duration ?? (quick ? '2' : '3')),
    warmup: quick ? 1 : 2,
    connections: positive('connections', values.connections),
    fixedRate: 1000,
    fixedDuration: quick ? 5 : 10,
    admitBudgetMs: quick ? 250 : 1000,
  };
}

async function writeCertificate(directory) {
  const { cert, key } = await generateSelfSigned(['localhost', '127.0.0.1']);
  const certFile = path.join(directory, 'tls.crt');
  const keyFile = path.join(directory, 'tls.key');
  writeFileSync(certFile, cert);
  writeFileSync(keyFile, key, { mode: 0o600 });
  return { cert, key, certFile, keyFile };
}

/** Summarises dist/ by file count and latest modification, to notice a rebuild during the run. */
function distFingerprint() {
  const files = readdirSync(path.join(ROOT, 'dist'), { recursive: true }).filter((name) => name.endsWith('.js'));
  const latest = Math.max(...files.map((name) => statSync(path.join(ROOT, 'dist', name)).mtimeMs));
  return `${files.length} files, latest change ${new Date(latest).toISOString()}`;
}

function log(message) {
  process.stderr.write(`bench: ${message}\n`);
}

/** Profiles what the missed goals name, or every handler goal's input with --profile. */
async function takeProfiles(goals, inputs, settings, pair, directory) {
  const wanted = goals.filter((goal) => !goal.pass || (settings.profileAll && goal.kind === 'handler')).flatMap((goal) => goal.profile);
  const unique = [...new Map(wanted.map((item) => [`${item.kind}/${item.input}`, item])).values()];
  const profiles = [];
  for (const { kind, input } of unique) {
    log(`profiling ${kind} at ${input}`);
    profiles.push(await profileRun(kind, inputs.find((i) => i.name === input), settings, pair, directory));
  }
  return profiles;
}

/** Runs every measurement and returns the results, goals and profiles included. */
async function measureAll(settings, pair, started) {
  const inputs = buildInputs();
  const fixedInput = inputs.find((input) => input.name === '10 KB');

  log('timing admit() alone');
  const admit = await benchAdmit(inputs, settings.admitBudgetMs);
  const load = [];
  for (const input of inputs) {
    log(`load on ${input.name} (${input.body.length} bytes)`);
    load.push(await benchInput(input, settings, pair));
  }
  log(`fixed rate of ${settings.fixedRate} requests/s`);
  const fixedRate = await benchFixedRate(fixedInput, settings, pair);

  const results = {
    command: `npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`,
    date: new Date().toISOString().slice(0, 10),
    machine: machineInfo(),
    settings,
    inputs: inputs.map(({ name, body, containers, initContainers, envVars }) => ({ name, bodyBytes: body.length, containers, initContainers, envVars })),
    admit,
    load,
    fixedRate,
    memoryBreakdown: memoryBreakdown(),
    foreignCpu: [...load.flatMap((row) => row.foreignCpu), ...Object.values(fixedRate.rows).map((row) => row.foreignCpu)],
  };
  results.goals = evaluateGoals(results);

  if (results.goals.some((goal) => goal.kind === 'memory' && !goal.pass)) {
    log("splitting the webhook's RSS at the fixed rate");
    results.memoryParts = await diagnoseMemory(fixedInput, settings, pair);
  }
  const profileDirectory = path.join(os.tmpdir(), `sidecar-injector-bench-profiles-${started}`);
  results.profiles = await takeProfiles(results.goals, inputs, settings, pair, profileDirectory);
  if (results.profiles.length > 0) {
    log(`CPU profiles (open in Chrome DevTools) in ${profileDirectory}`);
  }
  return results;
}

async function main() {
  const settings = parseSettings(process.argv.slice(2));
  if (settings.help) {
    process.stdout.write(USAGE);
    return;
  }
  const started = Date.now();
  const directory = mkdtempSync(path.join(os.tmpdir(), 'sidecar-injector-bench-'));
  try {
    const build = distFingerprint();
    const pair = await writeCertificate(directory);
    const results = await measureAll(settings, pair, started);
    if (distFingerprint() !== build) {
      throw new Error(`dist/ was rebuilt during the run (at the start: ${build}; now: ${distFingerprint()}), so the results mix two builds; run the benchmark again`);
    }

    const section = renderResults(results);
    process.stdout.write(`${section}\n`);
    const raw = path.join(os.tmpdir(), `sidecar-injector-bench-${started}.json`);
    writeFileSync(raw, JSON.stringify(results, null, 2));
    log(`raw results in ${raw}; took ${((Date.now() - started) / 1000).toFixed(0)} s`);
    if (settings.out) {
      writeResults(settings.out, section, '# Benchmarks\n');
      log(`wrote ${path.relative(process.cwd(), settings.out)}`);
    }
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}

try {
  await main();
} catch (error) {
  process.stderr.write(`bench: failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
}
