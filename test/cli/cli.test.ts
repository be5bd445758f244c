import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { repoRoot } from '../support/checkers.js';
import { runNode, type CommandResult } from '../support/run-command.js';

const bin = path.join(repoRoot, 'bin/sidecar-injector.js');

/** Runs the built command (npm test builds dist/ first) with optional stdin. */
function run(args: readonly string[], stdin = ''): Promise<CommandResult> {
  return runNode([bin, ...args], { stdin });
}

const manifest = `# the web tier
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
      annotations:
        sidecar-injector.io/inject: log-collector
    spec:
      containers:
        - name: web # serves the shop
          image: nginx:1.27
---
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  ports: [{port: 80}]
`;

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'sidecar-injector-cli-'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('inject command', () => {
  test('injects a Deployment from a file', async () => {
    const file = path.join(dir, 'web.yaml');
    await writeFile(file, manifest);
    const result = await run(['inject', '-f', file]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const [deployment, service] = parseAllDocuments(result.stdout).map((doc) => doc.toJS());
    expect(deployment.spec.template.spec.initContainers.map((c: { name: string }) => c.name)).toEqual(['log-collector']);
    expect(deployment.spec.template.metadata.annotations['sidecar-injector.io/status']).toBeDefined();
    expect(service).toEqual({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'web' }, spec: { ports: [{ port: 80 }] } });
    expect(result.stdout).toContain('# the web tier');
    expect(result.stdout).toContain('# serves the shop');
  });

  test('reads stdin with -f -', async () => {
    const result = await run(['inject', '-f', '-', '--sidecar-mode', 'classic'], manifest);
    expect(result.code).toBe(0);
    const [deployment] = parseAllDocuments(result.stdout).map((doc) => doc.toJS());
    expect(deployment.spec.template.spec.containers.map((c: { name: string }) => c.name)).toEqual(['web', 'log-collector']);
  });

  test('denied object exits 1', async () => {
    const result = await run(['inject', '-f', '-'], manifest.replace('inject: log-collector', 'inject: log-colector'));
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('denied: Deployment/web: template "log-colector" requested by sidecar-injector.io/inject is not known');
  });

  test('missing -f exits 2', async () => {
    const result = await run(['inject']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('missing -f FILE');
  });

  test('missing file exits 2', async () => {
    const result = await run(['inject', '-f', path.join(dir, 'nope.yaml')]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('ENOENT');
  });

  test('broken template names file and line', async () => {
    const templates = path.join(dir, 'templates');
    await mkdir(templates);
    await writeFile(path.join(templates, 'bad.yaml'), 'apiVersion: sidecar-injector.io/v1alpha1\nkind: SidecarTemplate\nmetadata:\n  name: Bad\n');
    const result = await run(['inject', '-f', '-', '--templates-dir', templates], manifest);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('invalid files:');
    expect(result.stderr).toContain(`${path.join(templates, 'bad.yaml')}:1:1: template must have required property 'spec'`);
    expect(result.stderr).toContain(`${path.join(templates, 'bad.yaml')}:4:9: metadata.name must match pattern`);
  });
});

describe('inject edge cases', () => {
  test('manifest with YAML aliases', async () => {
    const withAlias = await run(['inject', '-f', '-', '--sidecar-mode', 'classic'], 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\n  labels: &labels {app: web}\n  annotations: {sidecar-injector.io/inject: log-collector}\nspec:\n  nodeSelector: *labels\n  containers:\n    - {name: web, image: nginx}\n');
    expect(withAlias.code).toBe(0);
    expect(withAlias.stderr).toContain('printed without its comments and anchors, because it uses YAML aliases');
    const [pod] = parseAllDocuments(withAlias.stdout).map((doc) => doc.toJS());
    expect(pod.spec.containers.map((c: { name: string }) => c.name)).toEqual(['web', 'log-collector']);
    expect(pod.spec.nodeSelector).toEqual({ app: 'web' });
  });

  test('directory as input exits 2', async () => {
    const result = await run(['inject', '-f', dir]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('EISDIR');
    expect(result.stderr).not.toContain('    at ');
  });

  test('annotation on the workload warns', async () => {
    const misplaced = 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  annotations: {sidecar-injector.io/inject: log-collector}\nspec:\n  selector: {matchLabels: {app: web}}\n  template:\n    metadata: {labels: {app: web}}\n    spec:\n      containers: [{name: web, image: nginx}]\n';
    const result = await run(['inject', '-f', '-'], misplaced);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('warning: Deployment/web: sidecar-injector.io/inject on the Deployment itself is ignored; put it in the annotations of its pod template\n');
  });
});

describe('explain command', () => {
  test('prints parameter origins as JSON', async () => {
    const pod = 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\n  annotations:\n    sidecar-injector.io/inject: log-collector\n    sidecar-injector.io/log-collector.log-path: /var/log/nginx\nspec:\n  containers: [{name: web, image: nginx}]\n';
    const result = await run(['explain', '-f', '-', '--namespace', 'shop', '--namespace-labels', 'team=web', '-o', 'json'], pod);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const [explanation] = JSON.parse(result.stdout);
    expect(explanation.object).toBe('Pod/web');
    expect(explanation.namespace).toBe('shop');
    const logPath = explanation.templates[0].parameters.find((p: { name: string }) => p.name === 'log-path');
    expect(logPath).toEqual({ name: 'log-path', value: '/var/log/nginx', from: 'annotation sidecar-injector.io/log-collector.log-path' });
  });

  test('bad namespace labels exit 2', async () => {
    const result = await run(['explain', '-f', '-', '--namespace-labels', 'team'], manifest);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe('sidecar-injector explain: --namespace-labels has "team"; expected key=value pairs separated by commas\n');
  });
});

describe('serve command', () => {
  test('stops at start on a broken template', async () => {
    const templates = path.join(dir, 'serve-templates');
    await mkdir(templates);
    await writeFile(path.join(templates, 'bad.yaml'), 'apiVersion: sidecar-injector.io/v1alpha1\nkind: SidecarTemplate\nmetadata: {name: bad}\nspec:\n  description: x\n  sidecars: []\n');
    const result = await run(['serve', '--port', '0', '--host', '127.0.0.1', '--templates-dir', templates]);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(`invalid template file: ${path.join(templates, 'bad.yaml')}:6:3: spec must NOT have additional properties (sidecars)`);
  });

  test('rejects an invalid annotation prefix', async () => {
    const result = await run(['serve', '--annotation-prefix', 'Bad Prefix!']);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe('sidecar-injector: --annotation-prefix is "Bad Prefix!"; expected a DNS subdomain such as sidecar-injector.example.com\n');
  });

  test('missing certificate file is one line', async () => {
    const result = await run(['serve', '--port', '0', '--host', '127.0.0.1', '--tls-cert-file', path.join(dir, 'none.crt'), '--tls-key-file', path.join(dir, 'none.key')]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^sidecar-injector: cannot start: .*none\.crt/);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
  });

  test('report help prints usage', async () => {
    const result = await run(['report', '--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Flags of report:');
  });

  test('rejects an invalid flag value', async () => {
    const result = await run(['serve', '--sidecar-mode', 'sometimes']);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe('sidecar-injector: --sidecar-mode is "sometimes"; expected one of native, classic, auto\n');
  });
});
