// Runs the built server with self-managed certificates, and the report
// command, against a fake API server on 127.0.0.1 reached through a kubeconfig.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { FakeApiServer } from '../cluster/fake-api-server.js';
import { send } from '../server/support/https-client.js';
import { repoRoot } from '../support/checkers.js';
import { runNode } from '../support/run-command.js';

const MAX_POLLS = 300;

let dir: string;
let fake: FakeApiServer;
let kubeconfig: string;
const children: ChildProcess[] = [];

async function until(description: string, check: () => boolean | Promise<boolean>): Promise<void> {
  for (let poll = 0; poll < MAX_POLLS; poll++) {
    if (await check()) {
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`gave up waiting until ${description}`);
}

function run(args: readonly string[]) {
  return runNode(args, { env: { ...process.env, KUBECONFIG: kubeconfig } });
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'sidecar-injector-self-managed-'));
  fake = await FakeApiServer.start();
  kubeconfig = path.join(dir, 'kubeconfig');
  await writeFile(
    kubeconfig,
    `apiVersion: v1\nkind: Config\nclusters: [{name: fake, cluster: {server: "${fake.url}", insecure-skip-tls-verify: true}}]\nusers: [{name: fake, user: {token: t}}]\ncontexts: [{name: fake, context: {cluster: fake, user: fake}}]\ncurrent-context: fake\n`,
  );
});

afterAll(async () => {
  for (const child of children.filter((c) => c.exitCode === null)) {
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
  }
  await fake.close();
  await rm(dir, { recursive: true, force: true });
});

describe('self-managed TLS', () => {
  test('creates the CA, patches caBundle and serves', async () => {
    fake.resources.putWebhookConfiguration({
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'MutatingWebhookConfiguration',
      metadata: { name: 'sidecar-injector' },
      webhooks: [{ name: 'inject.sidecar-injector.io', clientConfig: { service: { namespace: 'sidecar-injector', name: 'sidecar-injector', path: '/mutate' } } }],
    });
    const tlsDir = path.join(dir, 'tls');
    await mkdir(tlsDir);
    const args = ['dist/main.js', '--host', '127.0.0.1', '--port', '0', '--drain-seconds', '0', '--self-managed-tls', '--namespace', 'sidecar-injector'];
    args.push('--tls-cert-file', path.join(tlsDir, 'tls.crt'), '--tls-key-file', path.join(tlsDir, 'tls.key'));
    const child = spawn(process.execPath, args, { cwd: repoRoot, env: { ...process.env, KUBECONFIG: kubeconfig }, stdio: ['ignore', 'pipe', 'inherit'] });
    children.push(child);
    const port = await new Promise<number>((resolve, reject) => {
      createInterface({ input: child.stdout! }).on('line', (line) => {
        const record = JSON.parse(line) as { msg?: string; address?: string };
        if (record.msg === 'webhook listening') {
          resolve(Number(new URL(String(record.address)).port));
        }
      });
      child.once('exit', (code) => reject(new Error(`injector exited with code ${code} before listening`)));
    });

    expect(fake.resources.secrets.has('sidecar-injector/sidecar-injector-tls')).toBe(true);
    expect(existsSync(path.join(tlsDir, 'tls.crt'))).toBe(true);
    const webhook = () => fake.resources.webhookConfigurations.get('sidecar-injector')!.webhooks[0];
    await until('caBundle is patched', () => typeof webhook().clientConfig.caBundle === 'string');

    const caBundle = Buffer.from(webhook().clientConfig.caBundle, 'base64').toString();
    const response = await send({ port, ca: caBundle, method: 'GET', path: '/healthz', servername: 'sidecar-injector.sidecar-injector.svc' });
    expect(response.status).toBe(200);
  });
});

describe('report command', () => {
  test('lists stale and missed Pods', async () => {
    const policies = path.join(dir, 'policies');
    await mkdir(policies);
    await writeFile(
      path.join(policies, 'p.yaml'),
      'apiVersion: sidecar-injector.io/v1alpha1\nkind: SidecarPolicy\nmetadata: {name: p}\nspec:\n  rules:\n    - name: prod-logging\n      match: {namespaces: [shop]}\n      default: [log-collector]\n',
    );
    fake.namespaces.add('shop', { 'kubernetes.io/metadata.name': 'shop' });
    const status = JSON.stringify({ templates: [{ name: 'wait-for', hash: 'sha256:0123' }], containers: [], initContainers: ['wait-for'], volumes: [], sidecarMode: 'native' });
    fake.resources.pods.push(
      { metadata: { namespace: 'shop', name: 'web-1', annotations: {} }, spec: { containers: [{ name: 'web', image: 'nginx' }] }, status: { phase: 'Running' } },
      { metadata: { namespace: 'jobs', name: 'sync-1', annotations: { 'sidecar-injector.io/status': status } }, spec: { containers: [{ name: 'sync', image: 'sync' }] }, status: { phase: 'Running' } },
    );

    const result = await run(['bin/sidecar-injector.js', 'report', '--policies-dir', policies, '-o', 'json']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(1);
    const findings = JSON.parse(result.stdout) as { pod: string; kind: string; template: string }[];
    expect(findings.map((f) => `${f.pod} ${f.kind} ${f.template}`)).toEqual(['sync-1 stale wait-for', 'web-1 missed log-collector']);
  });

  test('no cluster gives a clear error', async () => {
    const child = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
      const started = spawn(process.execPath, ['bin/sidecar-injector.js', 'report'], { cwd: repoRoot, env: { ...process.env, KUBECONFIG: path.join(dir, 'missing'), HOME: dir } });
      let stderr = '';
      started.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      started.on('close', (code) => resolve({ code, stderr }));
    });
    expect(child.code).toBe(2);
    expect(child.stderr).toMatch(/^sidecar-injector report: cannot read Pods and Namespaces from the cluster: /);
    expect(child.stderr).not.toContain('    at ');
  });
});
