// Runs the built server as a real process against a fake API server on
// 127.0.0.1, reached through a kubeconfig as in a developer's shell, and checks
// what the server reads from the cluster: the version (native sidecars) and
// the namespace labels (policy rules), kept current by the informer.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { generateSelfSigned, type KeyPair } from '../../src/tls/self-signed.js';
import { FakeApiServer } from '../cluster/fake-api-server.js';
import { postJson, send } from '../server/support/https-client.js';
import { repoRoot } from '../support/checkers.js';
import { makeReview, minimalPod } from '../support/reviews.js';

/** Bound on polls that wait for the server to see a change. */
const MAX_POLLS = 300;

let dir: string;
let fake: FakeApiServer;
let pair: KeyPair;
let child: ChildProcess | undefined;
let port: number;

async function startServer(): Promise<number> {
  const kubeconfig = path.join(dir, 'kubeconfig');
  await writeFile(
    kubeconfig,
    `apiVersion: v1
kind: Config
clusters: [{name: fake, cluster: {server: "${fake.url}", insecure-skip-tls-verify: true}}]
users: [{name: fake, user: {token: test-token}}]
contexts: [{name: fake, context: {cluster: fake, user: fake}}]
current-context: fake
`,
  );
  const args = ['dist/main.js', '--host', '127.0.0.1', '--port', '0', '--drain-seconds', '0'];
  args.push('--tls-cert-file', path.join(dir, 'tls.crt'), '--tls-key-file', path.join(dir, 'tls.key'), '--policies-dir', path.join(dir, 'policies'));
  child = spawn(process.execPath, args, { cwd: repoRoot, env: { ...process.env, KUBECONFIG: kubeconfig }, stdio: ['ignore', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout! });
  return new Promise<number>((resolve, reject) => {
    lines.on('line', (line) => {
      const record = JSON.parse(line) as { msg?: string; address?: string };
      if (record.msg === 'webhook listening') {
        resolve(Number(new URL(String(record.address)).port));
      }
    });
    child!.once('exit', (code) => reject(new Error(`injector exited with code ${code} before listening`)));
  });
}

async function until(description: string, check: () => Promise<boolean>): Promise<void> {
  for (let poll = 0; poll < MAX_POLLS; poll++) {
    if (await check()) {
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`gave up waiting until ${description}`);
}

async function explain(namespace: string): Promise<{ templates: { name: string }[]; sidecarMode: string }> {
  const response = await send({
    port,
    ca: pair.cert,
    path: `/explain?namespace=${namespace}`,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(minimalPod()),
  });
  return JSON.parse(response.body);
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'sidecar-injector-serve-'));
  pair = await generateSelfSigned(['127.0.0.1']);
  await writeFile(path.join(dir, 'tls.crt'), pair.cert);
  await writeFile(path.join(dir, 'tls.key'), pair.key);
  await mkdir(path.join(dir, 'policies'));
  await writeFile(
    path.join(dir, 'policies/prod.yaml'),
    'apiVersion: sidecar-injector.io/v1alpha1\nkind: SidecarPolicy\nmetadata: {name: prod}\nspec:\n  rules:\n    - name: prod-logging\n      match:\n        namespaceSelector: {matchLabels: {team-tier: prod}}\n      default: [log-collector]\n',
  );
  fake = await FakeApiServer.start();
  fake.version = { major: '1', minor: '33', gitVersion: 'v1.33.2', platform: 'linux/amd64' };
  fake.namespaces.add('shop', { 'team-tier': 'prod', 'kubernetes.io/metadata.name': 'shop' });
  fake.namespaces.add('dev', { 'kubernetes.io/metadata.name': 'dev' });
  port = await startServer();
  await until('the server is ready', async () => (await send({ port, ca: pair.cert, method: 'GET', path: '/readyz' })).status === 200);
}, 60_000);

afterAll(async () => {
  if (child && child.exitCode === null) {
    child.kill('SIGTERM');
    await new Promise((resolve) => child!.once('exit', resolve));
  }
  await fake.close();
  await rm(dir, { recursive: true, force: true });
});

describe('server with a cluster', () => {
  test('namespace labels select rules', async () => {
    const response = await postJson(port, pair.cert, makeReview(minimalPod(), { namespace: 'shop' }));
    const patch = JSON.parse(Buffer.from(JSON.parse(response.body).response.patch, 'base64').toString());
    const init = patch.find((op: { path: string }) => op.path === '/spec/initContainers');
    expect(init.value[0]).toMatchObject({ name: 'log-collector', restartPolicy: 'Always' });
    expect((await explain('dev')).templates).toEqual([]);
  });

  test('auto mode follows the cluster version', async () => {
    await until('the version is read', async () => (await explain('shop')).sidecarMode === 'native');
    expect(fake.requestsTo('GET', '/version').length).toBeGreaterThan(0);
  });

  test('watch picks up label changes', async () => {
    fake.namespaces.modify('dev', { 'team-tier': 'prod', 'kubernetes.io/metadata.name': 'dev' });
    await until('dev matches the rule', async () => (await explain('dev')).templates.length === 1);
    fake.namespaces.add('late', { 'team-tier': 'prod', 'kubernetes.io/metadata.name': 'late' });
    await until('the new namespace is seen', async () => (await explain('late')).templates.length === 1);
  });

  test('requests never call the API server', async () => {
    const before = fake.requests.length;
    for (let index = 0; index < 5; index++) {
      await postJson(port, pair.cert, makeReview(minimalPod(), { namespace: 'shop' }));
    }
    const paths = fake.requests.slice(before).map((request) => request.path);
    expect(paths.filter((requestPath) => !requestPath.startsWith('/version') && !requestPath.startsWith('/api/v1/namespaces'))).toEqual([]);
  });
});
