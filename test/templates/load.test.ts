import { copyFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadTemplates, TemplateLoadError } from '../../src/templates/load.js';
import { repoRoot } from '../support/checkers.js';

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'sidecar-injector-templates-'));
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function loadErrors(files: Record<string, string>): Promise<string[]> {
  for (const [name, text] of Object.entries(files)) {
    await writeFile(path.join(dir, name), text);
  }
  try {
    await loadTemplates(dir);
  } catch (error) {
    expect(error).toBeInstanceOf(TemplateLoadError);
    return (error as TemplateLoadError).errors.map((e) => `${path.basename(e.file)}:${e.line}:${e.column}: ${e.message}`);
  }
  throw new Error('expected the templates to be rejected');
}

const header = `apiVersion: sidecar-injector.io/v1alpha1
kind: SidecarTemplate
metadata:
  name: demo
spec:
  description: Demo template.
`;

describe('loadTemplates', () => {
  test('loads the shipped templates', async () => {
    const templates = await loadTemplates(path.join(repoRoot, 'templates'));
    expect([...templates.keys()]).toEqual(['ambassador', 'config-init', 'log-collector', 'metrics-adapter', 'wait-for']);
    for (const template of templates.values()) {
      expect(template.hash).toMatch(/^sha256:[0-9a-f]{64}$/);
    }
  });

  test('hash ignores comments and layout', async () => {
    await copyFile(path.join(repoRoot, 'templates/wait-for.yaml'), path.join(dir, 'wait-for.yaml'));
    const before = (await loadTemplates(dir)).get('wait-for')!.hash;
    const text = await readFile(path.join(repoRoot, 'templates/wait-for.yaml'), 'utf8');
    await writeFile(path.join(dir, 'wait-for.yaml'), `# another comment\n${text.replaceAll('\n\n', '\n')}`);
    expect((await loadTemplates(dir)).get('wait-for')!.hash).toBe(before);
  });

  test('YAML syntax error has a position', async () => {
    const errors = await loadErrors({ 'broken.yaml': `${header}  containers:\n    - name: [unclosed\n` });
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/^broken\.yaml:9:1: invalid YAML: Flow sequence/);
  });

  test('schema error points at the field', async () => {
    const errors = await loadErrors({ 'demo.yaml': `${header}  containers:\n    - name: Bad_Name\n      image: busybox\n` });
    expect(errors).toEqual(['demo.yaml:8:13: spec.containers.0.name must match pattern "^[a-z0-9]([-a-z0-9]*[a-z0-9])?$"']);
  });

  test('unknown field is named', async () => {
    const errors = await loadErrors({ 'demo.yaml': `${header}  sidecars: []\n` });
    expect(errors).toEqual(['demo.yaml:7:3: spec must NOT have additional properties (sidecars)']);
  });

  test('undeclared placeholder', async () => {
    const errors = await loadErrors({
      'demo.yaml': `${header}  containers:\n    - name: demo\n      image: "{{image}}"\n`,
    });
    expect(errors).toContain('demo.yaml:9:14: placeholder {{image}} names no declared parameter; declared: none');
  });

  test('container without resources', async () => {
    const errors = await loadErrors({ 'demo.yaml': `${header}  podSecurity: privileged\n  containers:\n    - name: demo\n      image: busybox\n` });
    expect(errors).toEqual([
      'demo.yaml:9:13: container demo has no resources requests.cpu, requests.memory, limits.cpu, limits.memory; injected containers need CPU and memory requests and limits so that LimitRange and ResourceQuota admit the Pod',
    ]);
  });

  test('container below restricted', async () => {
    const resources = '      resources: {requests: {cpu: 1m, memory: 1Mi}, limits: {cpu: 1m, memory: 1Mi}}\n';
    const errors = await loadErrors({
      'demo.yaml': `${header}  containers:\n    - name: demo\n      image: busybox\n${resources}      securityContext: {privileged: true}\n`,
    });
    expect(errors).toEqual([
      'demo.yaml:8:13: container demo does not meet Pod Security level "restricted": privileged is true, allowPrivilegeEscalation is not false, runAsNonRoot is not true, seccompProfile.type is not RuntimeDefault or Localhost, capabilities.drop does not contain ALL; fix its securityContext or declare spec.podSecurity',
    ]);
  });

  test('invalid default', async () => {
    const errors = await loadErrors({
      'demo.yaml': `${header}  parameters:\n    - name: port\n      type: port\n      default: 70000\n      description: A port.\n`,
    });
    expect(errors).toEqual(['demo.yaml:10:16: default of parameter "port" is invalid; expected an integer from 1 to 65535']);
  });

  test('mount of unknown volume', async () => {
    const errors = await loadErrors({
      'demo.yaml': `${header}  appContainers:\n    volumeMounts:\n      - name: data\n        mountPath: /data\n`,
    });
    expect(errors).toEqual(['demo.yaml:9:15: volume mount "data" names no volume of this template; volumes: none']);
  });

  test('duplicate template name', async () => {
    const errors = await loadErrors({ 'a.yaml': header, 'b.yaml': header });
    expect(errors).toEqual([`b.yaml:1:1: template "demo" is also declared in ${path.join(dir, 'a.yaml')}`]);
  });

  test('empty directory', async () => {
    await expect(loadTemplates(dir)).rejects.toThrow('no template files (*.yaml, *.yml) found');
  });
});
