import https from 'node:https';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';
import { generateSelfSigned, type KeyPair } from '../../src/tls/self-signed.js';
import { postJson, send, type ClientResponse } from './support/https-client.js';
import { review } from './support/reviews.js';
import { repoRoot } from './support/webhook-fixture.js';

const WORKERS = 3;
const REQUESTS_BEFORE_SIGTERM = 3;
const REQUESTS_DURING_DRAIN = 3;
/** Bound on the /readyz polls that wait for the drain to start. */
const MAX_READY_POLLS = 200;

let dir: string | undefined;
let pair: KeyPair;
let certFile: string;
let keyFile: string;
let child: ChildProcess | undefined;

beforeAll(async () => {
  // npm test builds dist/ before jest starts; build here only when run on its own,
  // so that no test rewrites dist/ while another one runs it.
  if (!existsSync(path.join(repoRoot, 'dist/main.js'))) {
    const build = promisify(execFile)(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json'], { cwd: repoRoot });
    await build.catch((error: { stdout?: string; message: string }) => {
      throw new Error(`npm run build failed, so dist/main.js cannot be tested:\n${error.stdout ?? error.message}`);
    });
  }
  dir = await mkdtemp(path.join(tmpdir(), 'drain-process-'));
  certFile = path.join(dir, 'tls.crt');
  keyFile = path.join(dir, 'tls.key');
  pair = await generateSelfSigned(['127.0.0.1']);
  await writeFile(certFile, pair.cert);
  await writeFile(keyFile, pair.key);
}, 120_000);

afterAll(async () => {
  if (child && child.exitCode === null && child.signalCode === null) {
    child.kill('SIGKILL');
  }
  if (dir !== undefined) {
    await rm(dir, { recursive: true, force: true });
  }
});

/** Starts dist/main.js and resolves with its port, read from the `webhook listening` log record. */
async function startProcess(): Promise<{ process: ChildProcess; port: number; records: Record<string, unknown>[] }> {
  const args = ['dist/main.js', '--host', '127.0.0.1', '--port', '0', '--drain-seconds', '1'];
  args.push('--tls-cert-file', certFile, '--tls-key-file', keyFile);
  const started = spawn(process.execPath, args, { cwd: repoRoot, stdio: ['ignore', 'pipe', 'inherit'] });
  child = started;
  const records: Record<string, unknown>[] = [];
  const lines = createInterface({ input: started.stdout! });
  const port = new Promise<number>((resolve, reject) => {
    lines.on('line', (line) => {
      const record = JSON.parse(line) as Record<string, unknown>;
      records.push(record);
      if (record.msg === 'webhook listening') {
        resolve(Number(new URL(String(record.address)).port));
      }
    });
    started.once('exit', (code) => reject(new Error(`injector exited with code ${code} before listening`)));
  });
  return { process: started, port: await port, records };
}

describe('drain on SIGTERM', () => {
  test('process serves, drains and exits 0', async () => {
    const { process: injector, port, records } = await startProcess();
    const exited = once(injector, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
    const agent = new https.Agent({ keepAlive: true, maxSockets: WORKERS, ca: pair.cert });
    let draining = false;
    const results: { response: ClientResponse; afterSigterm: boolean }[] = [];
    let enoughBeforeSigterm: () => void = () => undefined;
    const sentBeforeSigterm = new Promise<void>((resolve) => (enoughBeforeSigterm = resolve));

    // Each worker sends requests on the shared keep-alive agent until it has
    // sent REQUESTS_DURING_DRAIN after readiness failed.
    const worker = async () => {
      let duringDrain = 0;
      while (duringDrain < REQUESTS_DURING_DRAIN) {
        const afterSigterm = draining;
        results.push({ response: await postJson(port, pair.cert, review(), agent), afterSigterm });
        duringDrain += afterSigterm ? 1 : 0;
        if (results.length >= WORKERS * REQUESTS_BEFORE_SIGTERM) {
          enoughBeforeSigterm();
        }
      }
    };
    const workers = Array.from({ length: WORKERS }, () => worker());
    await sentBeforeSigterm;

    // Workers still have requests in flight on their keep-alive connections.
    injector.kill('SIGTERM');
    let ready = 200;
    for (let poll = 0; poll < MAX_READY_POLLS && ready !== 503; poll++) {
      ready = (await send({ port, ca: pair.cert, method: 'GET', path: '/readyz' })).status;
    }
    expect(ready).toBe(503);
    draining = true;
    await Promise.all(workers);
    agent.destroy();

    const [code, signal] = await exited;
    expect(signal).toBeNull();
    expect(code).toBe(0);
    expect(results.every(({ response }) => response.status === 200)).toBe(true);
    const duringDrain = results.filter(({ afterSigterm }) => afterSigterm);
    expect(duringDrain).toHaveLength(WORKERS * REQUESTS_DURING_DRAIN);
    expect(duringDrain.every(({ response }) => response.headers.connection === 'close')).toBe(true);
    expect(records.map((record) => record.msg)).toEqual(expect.arrayContaining(['webhook listening', 'stopped']));
  });
});
