// Starts the servers under test as child processes on 127.0.0.1 and watches
// them: free ports, readiness, one checked request, RSS samples from /proc and
// the handler histogram from GET /metrics.
import { fork, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import https from 'node:https';
import net from 'node:net';
import path from 'node:path';
import tls from 'node:tls';
import { fileURLToPath } from 'node:url';

export const HOST = '127.0.0.1';
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** The three servers: the product, the product with in-process timing, and the floor. */
export const ServerKind = { Webhook: 'webhook', Timed: 'timed', Floor: 'floor' };

/** Returns a port that was free a moment ago; dist/main.js logs its port only at info level. */
function freePort() {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, HOST, () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

function tlsConnects(port, ca) {
  return new Promise((resolve) => {
    const socket = tls.connect({ host: HOST, port, ca, servername: 'localhost' }, () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

function argumentsFor(kind, port, certFile, keyFile) {
  const tlsFlags = ['--tls-cert-file', certFile, '--tls-key-file', keyFile];
  if (kind === ServerKind.Floor) {
    return [path.join(ROOT, 'bench/floor-server.js'), '--port', String(port), '--host', HOST, ...tlsFlags];
  }
  const script = kind === ServerKind.Timed ? 'bench/timed-server.js' : 'dist/main.js';
  return [path.join(ROOT, script), '--port', String(port), '--host', HOST, '--log-level', 'warn', '--drain-seconds', '0', ...tlsFlags];
}

/**
 * Builds the environment of every server: the benchmark's own, without the
 * variables that would point the webhook at a cluster or change its flags, so
 * that it runs as on a developer machine and contacts nothing but its client.
 * HOME is the benchmark's temp directory, which has no .kube/config.
 */
function serverEnvironment(home) {
  const environment = { ...process.env, HOME: home };
  for (const name of Object.keys(environment)) {
    if (name === 'KUBECONFIG' || name.startsWith('KUBERNETES_') || name.startsWith('SIDECAR_INJECTOR_') || name === 'NODE_OPTIONS') {
      delete environment[name];
    }
  }
  return environment;
}

/**
 * Starts one server and waits until it accepts TLS connections (at most 20 s).
 * `nodeFlags` go before the script, such as `--cpu-prof`. Returns its pid,
 * port, the last output it wrote, and stop(), which sends SIGTERM and waits.
 */
export async function startServer(kind, pair, nodeFlags = []) {
  const port = await freePort();
  const args = [...nodeFlags, ...argumentsFor(kind, port, pair.certFile, pair.keyFile)];
  const options = { cwd: ROOT, env: serverEnvironment(path.dirname(pair.certFile)), stdio: ['ignore', 'pipe', 'pipe', ...(kind === ServerKind.Timed ? ['ipc'] : [])] };
  const child = kind === ServerKind.Timed ? fork(args.at(nodeFlags.length), args.slice(nodeFlags.length + 1), { ...options, execArgv: nodeFlags }) : spawn(process.execPath, args, options);

  let output = '';
  const keep = (chunk) => {
    output = (output + chunk.toString()).slice(-4000);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));

  const deadline = Date.now() + 20_000;
  while (!(await tlsConnects(port, pair.cert))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGTERM');
      throw new Error(`${kind} server did not start on port ${port}; its output:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }

  return {
    kind,
    pid: child.pid,
    port,
    url: `https://${HOST}:${port}`,
    child,
    output: () => output,
    stop: async () => {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
      }
      return exited;
    },
  };
}

function request(server, ca, method, pathName, body) {
  return new Promise((resolve, reject) => {
    const req = https.request(
      { host: HOST, port: server.port, method, path: pathName, ca, servername: 'localhost', agent: false, headers: body ? { 'Content-Type': 'application/json', 'Content-Length': body.length } : {} },
      (res) => {
        const chunks = [];
        res.on('data', (chunk) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode, text: Buffer.concat(chunks).toString('utf8') }));
      },
    );
    req.once('error', reject);
    req.end(body);
  });
}

/**
 * Sends one review and checks the response: HTTP 200, the uid echoed, allowed,
 * and for the webhook a JSON patch. Throws with the response when it is not.
 */
export async function checkResponse(server, ca, body, uid) {
  const { status, text } = await request(server, ca, 'POST', '/mutate', body);
  const response = status === 200 ? JSON.parse(text).response : undefined;
  const wantsPatch = server.kind !== ServerKind.Floor;
  if (response?.uid !== uid || response.allowed !== true || (wantsPatch && response.patchType !== 'JSONPatch')) {
    throw new Error(`${server.kind} server returned HTTP ${status} without the expected review: ${text.slice(0, 500)}`);
  }
  return wantsPatch ? Buffer.from(response.patch, 'base64').length : 0;
}

/** Reads the cumulative buckets of sidecar_injector_handler_duration_seconds from GET /metrics. */
export async function scrapeHandlerHistogram(server, ca) {
  const { status, text } = await request(server, ca, 'GET', '/metrics');
  if (status !== 200) {
    throw new Error(`GET /metrics returned HTTP ${status}: ${text.slice(0, 200)}`);
  }
  const buckets = new Map();
  const pattern = /^sidecar_injector_handler_duration_seconds_bucket\{[^}]*le="([^"]+)"[^}]*\} (\d+)/gm;
  for (const [, le, count] of text.matchAll(pattern)) {
    const bound = le === '+Inf' ? Infinity : Number(le);
    buckets.set(bound, (buckets.get(bound) ?? 0) + Number(count));
  }
  return buckets;
}

/** Reads VmRSS, RssAnon and RssFile of a process in bytes from /proc/PID/status. */
function readMemory(pid) {
  let status;
  try {
    status = readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    return undefined;
  }
  const field = (name) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? Number.NaN) * 1024;
  return { rss: field('VmRSS'), anon: field('RssAnon'), file: field('RssFile') };
}

/**
 * Samples a process's memory every `intervalMs` until stop() is called.
 * stop() returns the samples, each { rss, anon, file } in bytes.
 */
export function sampleMemory(pid, intervalMs = 100) {
  const samples = [];
  const take = () => {
    const memory = readMemory(pid);
    if (memory !== undefined) {
      samples.push(memory);
    }
  };
  take();
  const timer = setInterval(take, intervalMs);
  return {
    stop: () => {
      clearInterval(timer);
      take();
      return samples;
    },
  };
}

/** Returns the timed server's handler times in ms since the last call, and starts a new window. */
export function collectHandlerTimes(server) {
  return new Promise((resolve) => {
    server.child.once('message', (message) => resolve(message.handlerMs));
    server.child.send('collect');
  });
}
