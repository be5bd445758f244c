import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { findCheckers, repoRoot, runPodcheck } from '../support/checkers.js';
import { findKubectl, renderKustomization, type KubeObject } from './kustomize.js';

const kubectlSkipReason = findKubectl();
if (kubectlSkipReason !== null) {
  console.warn(kubectlSkipReason);
}
const describeWithKubectl = kubectlSkipReason === null ? describe : describe.skip;
const checkers = findCheckers();

/** Finds the webhook configuration of a rendering. */
function webhookConfiguration(objects: readonly KubeObject[]): { webhooks: Record<string, unknown>[] } {
  const found = objects.find((object) => object.kind === 'MutatingWebhookConfiguration');
  return found as unknown as { webhooks: Record<string, unknown>[] };
}

describeWithKubectl.each(['cert-manager', 'self-managed'])('fail-closed component on %s', (overlay) => {
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'sidecar-injector-fail-closed-'));
    await writeFile(
      path.join(dir, 'kustomization.yaml'),
      [
        'apiVersion: kustomize.config.k8s.io/v1beta1',
        'kind: Kustomization',
        'resources:',
        `  - ${path.relative(dir, path.join(repoRoot, 'deploy/overlays', overlay))}`,
        'components:',
        `  - ${path.relative(dir, path.join(repoRoot, 'deploy/components/fail-closed'))}`,
        '',
      ].join('\n'),
    );
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  test('sets Fail and changes nothing else', async () => {
    const plain = await renderKustomization(path.join(repoRoot, 'deploy/overlays', overlay));
    const closed = await renderKustomization(dir);
    const webhook = webhookConfiguration(closed.objects).webhooks[0]!;
    expect(webhook.failurePolicy).toBe('Fail');

    const expected = structuredClone(plain.objects) as KubeObject[];
    webhookConfiguration(expected).webhooks[0]!.failurePolicy = 'Fail';
    expect(closed.objects).toEqual(expected);
  });

  test('passes strict validation', async () => {
    if (typeof checkers === 'string') {
      console.warn(checkers);
      return;
    }
    const result = await runPodcheck(checkers, (await renderKustomization(dir)).text);
    expect(result.stdout.split('\n').filter((line) => line.includes('ERROR'))).toEqual([]);
    expect(result.code).toBe(0);
  });
});
