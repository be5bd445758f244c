// The load measurements: floor, webhook and timed webhook under the same load
// for each input, the fixed-rate run for memory, and CPU-profiled runs.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { assertClean, runLoad } from './load.js';
import { DISTURBED_SHARE, foreignCpuMeter, processSeconds, waitForQuiet } from './machine.js';
import { summarizeProfile } from './profile.js';
import { checkResponse, collectHandlerTimes, sampleMemory, scrapeHandlerHistogram, ServerKind, startServer } from './servers.js';
import { bucketPercentile, median, percentile } from './stats.js';

const UID = '1b7c4f3e-9a2d-4e6b-8c15-7f0a3d9e2b41';

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Starts a server, checks one response, and warms it up under the run's load.
 * Its RSS half a second after start, before any request, is kept as `idle`.
 */
async function startWarm(kind, input, settings, pair, nodeFlags = [], overallRate = undefined) {
  const server = await startServer(kind, pair, nodeFlags);
  try {
    await sleep(500);
    server.idle = sampleMemory(server.pid).stop()[0];
    await checkResponse(server, pair.cert, input.body, UID);
    const warm = await runLoad({ url: server.url, body: input.body, connections: settings.connections, duration: settings.warmup, overallRate });
    assertClean(warm, `${kind} warm-up on ${input.name}`);
  } catch (error) {
    await server.stop();
    throw error;
  }
  return server;
}

/**
 * Measures one window on one server: load, memory samples and the other
 * processes' CPU share. It first waits for the machine to be quiet; `pids`
 * are all the benchmark's servers, the idle ones included.
 */
async function measureWindow(server, input, settings, pids, overallRate = undefined) {
  const quiet = await waitForQuiet(pids, DISTURBED_SHARE);
  if (quiet.waitedMs >= 1000) {
    process.stderr.write(`bench: waited ${(quiet.waitedMs / 1000).toFixed(1)} s for other processes to go below ${DISTURBED_SHARE * 100}% CPU (last: ${(quiet.share * 100).toFixed(0)}%)\n`);
  }
  const memory = sampleMemory(server.pid);
  const meter = foreignCpuMeter(pids);
  const cpuBefore = processSeconds(server.pid);
  const load = await runLoad({ url: server.url, body: input.body, connections: settings.connections, duration: overallRate ? settings.fixedDuration : settings.duration, overallRate });
  const foreignCpu = meter.stop();
  const cpuSeconds = processSeconds(server.pid) - cpuBefore;
  const samples = memory.stop();
  assertClean(load, `${server.kind} on ${input.name}`);
  const window = {
    ...load,
    foreignCpu,
    waitedMs: quiet.waitedMs,
    cpuPerRequestUs: (cpuSeconds * 1e6) / load.requests,
    rssPeak: Math.max(...samples.map((s) => s.rss)),
    rssMedian: median(samples.map((s) => s.rss)),
    rssEnd: samples.at(-1).rss,
    anonPeak: Math.max(...samples.map((s) => s.anon)),
    filePeak: Math.max(...samples.map((s) => s.file)),
  };
  if (server.kind === ServerKind.Timed) {
    const handlerMs = await collectHandlerTimes(server);
    return { ...window, handlerCount: handlerMs.length, handlerP50: percentile(handlerMs, 0.5), handlerP99: percentile(handlerMs, 0.99) };
  }
  return window;
}

/** Measures a window, and once more when other processes used more than DISTURBED_SHARE of the CPU during it. */
async function measureQuietWindow(server, input, settings, pids, overallRate = undefined) {
  const first = await measureWindow(server, input, settings, pids, overallRate);
  if (first.foreignCpu <= DISTURBED_SHARE) {
    return first;
  }
  process.stderr.write(`bench: other processes used ${(first.foreignCpu * 100).toFixed(0)}% of the CPU during the ${server.kind} window on ${input.name}; measuring it again\n`);
  const second = await measureWindow(server, input, settings, pids, overallRate);
  return second.foreignCpu < first.foreignCpu ? second : first;
}

function summarize(windows) {
  const mid = (key) => median(windows.map((w) => w[key]));
  return {
    rps: mid('rps'),
    p50: mid('p50'),
    p99: mid('p99'),
    cpuPerRequestUs: mid('cpuPerRequestUs'),
    rssPeak: Math.max(...windows.map((w) => w.rssPeak)),
    rssMedian: mid('rssMedian'),
    ...(windows[0].handlerP99 !== undefined ? { handlerP50: mid('handlerP50'), handlerP99: mid('handlerP99'), handlerCount: windows.reduce((n, w) => n + w.handlerCount, 0) } : {}),
    windows,
  };
}

/**
 * Measures one input on the floor, the webhook and the timed webhook. Each
 * server is warmed up once. Each round then runs the three one after the
 * other, in an order rotated every round so that none always goes first.
 * Returns medians over the rounds, and the throughput ratio as the median of
 * the per-round ratios (webhook / floor).
 */
export async function benchInput(input, settings, pair) {
  const kinds = [ServerKind.Floor, ServerKind.Webhook, ServerKind.Timed];
  const servers = [];
  try {
    for (const kind of kinds) {
      servers.push(await startWarm(kind, input, settings, pair));
    }
    const webhook = servers[1];
    await collectHandlerTimes(servers[2]);
    const histogramBefore = await scrapeHandlerHistogram(webhook, pair.cert);

    const windows = new Map(kinds.map((kind) => [kind, []]));
    const pids = servers.map((s) => s.pid);
    for (let round = 0; round < settings.runs; round += 1) {
      for (let step = 0; step < servers.length; step += 1) {
        const server = servers[(round + step) % servers.length];
        windows.get(server.kind).push(await measureQuietWindow(server, input, settings, pids));
      }
    }
    const histogramAfter = await scrapeHandlerHistogram(webhook, pair.cert);

    const ratios = windows.get(ServerKind.Webhook).map((w, round) => w.rps / windows.get(ServerKind.Floor)[round].rps);
    return {
      input: input.name,
      floor: summarize(windows.get(ServerKind.Floor)),
      webhook: {
        ...summarize(windows.get(ServerKind.Webhook)),
        metricsP50Seconds: bucketPercentile(histogramBefore, histogramAfter, 0.5),
        metricsP99Seconds: bucketPercentile(histogramBefore, histogramAfter, 0.99),
      },
      timed: summarize(windows.get(ServerKind.Timed)),
      ratio: median(ratios),
      foreignCpu: [...windows.values()].flat().map((w) => w.foreignCpu),
    };
  } finally {
    await Promise.all(servers.map((server) => server.stop()));
  }
}

/** Runs the webhook, then the floor, at a fixed request rate, for the memory goal. */
export async function benchFixedRate(input, settings, pair) {
  const rows = {};
  for (const kind of [ServerKind.Webhook, ServerKind.Floor]) {
    const server = await startWarm(kind, input, settings, pair, [], settings.fixedRate);
    try {
      rows[kind] = { ...(await measureQuietWindow(server, input, settings, [server.pid], settings.fixedRate)), idle: server.idle };
    } finally {
      await server.stop();
    }
  }
  return { input: input.name, rate: settings.fixedRate, connections: settings.connections, duration: settings.fixedDuration, rows };
}

/** Reads the resident size of the brk heap (glibc malloc's main arena) from /proc/PID/smaps. */
function mallocHeapBytes(pid) {
  const smaps = readFileSync(`/proc/${pid}/smaps`, 'utf8');
  const heap = /\[heap\]\n(?:.*\n)*?Rss:\s+(\d+) kB/.exec(smaps);
  return heap ? Number(heap[1]) * 1024 : 0;
}

/**
 * Splits the webhook's RSS at the fixed rate into its parts: the mapped node
 * binary and libraries (RssFile), the V8 heap as committed (new space and the
 * rest), the malloc heap, and the remaining anonymous memory. The webhook runs
 * with bench/memory-report.js preloaded, which reports the V8 side on SIGUSR2
 * at the end of the load.
 */
export async function diagnoseMemory(input, settings, pair) {
  const preload = pathToFileURL(path.join(path.dirname(fileURLToPath(import.meta.url)), 'memory-report.js')).href;
  const server = await startWarm(ServerKind.Webhook, input, settings, pair, ['--import', preload], settings.fixedRate);
  try {
    await runLoad({ url: server.url, body: input.body, connections: settings.connections, duration: settings.fixedDuration, overallRate: settings.fixedRate });
    const [memory] = sampleMemory(server.pid).stop();
    const mallocHeap = mallocHeapBytes(server.pid);
    server.child.kill('SIGUSR2');
    const deadline = Date.now() + 5000;
    let line;
    while (!(line = /memory-report (.+)\n/.exec(server.output())) && Date.now() < deadline) {
      await sleep(50);
    }
    if (!line) {
      throw new Error(`the webhook wrote no memory report within 5 s; its output:\n${server.output()}`);
    }
    const report = JSON.parse(line[1]);
    const newSpace = report.spaces.new_space ?? 0;
    const v8Other = report.heapTotal - newSpace;
    return {
      rss: memory.rss,
      file: memory.file,
      newSpace,
      v8Other,
      mallocHeap,
      otherAnon: memory.anon - newSpace - v8Other - mallocHeap,
      external: report.external,
      arrayBuffers: report.arrayBuffers,
    };
  } finally {
    await server.stop();
  }
}

/**
 * Runs one server under `node --cpu-prof` through a warm-up and a window of
 * twice `duration` seconds, stops it so that V8 writes the profile, and
 * returns the self-time summary. The profile spans the whole process life,
 * start-up included.
 */
export async function profileRun(kind, input, settings, pair, directory) {
  const name = `${kind}-${input.name.replaceAll(/[^A-Za-z0-9]+/g, '-')}.cpuprofile`;
  const flags = ['--cpu-prof', '--cpu-prof-dir', directory, '--cpu-prof-name', name];
  const server = await startWarm(kind, input, settings, pair, flags);
  try {
    await waitForQuiet([server.pid]);
    const load = await runLoad({ url: server.url, body: input.body, connections: settings.connections, duration: settings.duration * 2 });
    assertClean(load, `profiled ${kind} on ${input.name}`);
  } finally {
    const { code, signal } = await server.stop();
    if (code !== 0) {
      throw new Error(`profiled ${kind} server exited with code ${code} signal ${signal}; no profile was written. Its output:\n${server.output()}`);
    }
  }
  if (!readdirSync(directory).includes(name)) {
    throw new Error(`node --cpu-prof wrote no ${name} in ${directory}`);
  }
  return { kind, input: input.name, file: path.join(directory, name), ...summarizeProfile(path.join(directory, name)) };
}
