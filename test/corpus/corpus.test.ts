// Runs every third-party manifest of the corpus through the webhook and the CLI
// with each shipped template, and checks the results with the external
// checkers: patchcheck applies each patch as kube-apiserver does, and podcheck
// validates the injected Pods and workloads against the strict 1.34 schema.
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { parseAllDocuments, stringify } from 'yaml';
import { admit } from '../../src/admission/admit.js';
import { injectManifests } from '../../src/cli/inject-command.js';
import { findPods } from '../../src/cli/pod-templates.js';
import { isObject } from '../../src/injection/pod.js';
import type { JsonObject } from '../../src/templates/types.js';
import { corpusDir, findCheckers, runPatchcheck, runPodcheck, type Checkers } from '../support/checkers.js';
import { applyPatch, decodePatch, makeReview, shippedContext } from '../support/reviews.js';

const manifestsDir = path.join(corpusDir, 'manifests');
const checkers = findCheckers();
const prefix = 'sidecar-injector.io';

/** Each shipped template with values for its required parameters. */
const templateRequests: Readonly<Record<string, Record<string, string>>> = {
  'log-collector': {},
  ambassador: { 'upstream-host': 'db.example.internal' },
  'metrics-adapter': {},
  'wait-for': { host: 'db.example.internal', port: '5432' },
  'config-init': { content: 'LOG_LEVEL=info' },
};

/** Compares two JSON values; a round trip drops the realm-specific prototypes of structuredClone. */
function sameJson(a: unknown, b: unknown): boolean {
  return isDeepStrictEqual(JSON.parse(JSON.stringify(a)), JSON.parse(JSON.stringify(b)));
}

function annotationsFor(template: string): Record<string, string> {
  const annotations: Record<string, string> = { [`${prefix}/inject`]: template };
  for (const [parameter, value] of Object.entries(templateRequests[template]!)) {
    annotations[`${prefix}/${template}.${parameter}`] = value;
  }
  return annotations;
}

/**
 * A Pod as the API server receives it from a controller: with a generateName,
 * and for a StatefulSet with one PVC volume per volumeClaimTemplate, which the
 * StatefulSet controller adds to each Pod it creates.
 */
function asAdmittedPod(pod: JsonObject, workload: JsonObject, owner: string, template: string): JsonObject {
  const copy = structuredClone(pod);
  const metadata = isObject(copy.metadata) ? copy.metadata : {};
  const ownerName = owner.split('/')[1]!.toLowerCase();
  if (metadata.name === undefined && metadata.generateName === undefined) {
    metadata.generateName = `${ownerName}-`;
  }
  const claims = workload.kind === 'StatefulSet' && isObject(workload.spec) ? workload.spec.volumeClaimTemplates : undefined;
  if (Array.isArray(claims) && isObject(copy.spec)) {
    const volumes = Array.isArray(copy.spec.volumes) ? copy.spec.volumes : [];
    for (const claim of claims as JsonObject[]) {
      const name = String((claim.metadata as JsonObject).name);
      volumes.push({ name, persistentVolumeClaim: { claimName: `${name}-${ownerName}-0` } });
    }
    copy.spec.volumes = volumes;
  }
  metadata.annotations = { ...(isObject(metadata.annotations) ? metadata.annotations : {}), ...annotationsFor(template) };
  copy.metadata = metadata;
  return copy;
}

function annotateManifest(text: string, template: string): string {
  return parseAllDocuments(text)
    .map((doc) => {
      for (const location of findPods(doc.toJS())) {
        for (const [key, value] of Object.entries(annotationsFor(template))) {
          doc.setIn([...location.path, 'metadata', 'annotations', key], value);
        }
      }
      return doc.toString({ lineWidth: 0 });
    })
    .join('');
}

async function readManifests(): Promise<{ file: string; text: string }[]> {
  const files = (await readdir(manifestsDir)).filter((name) => name.endsWith('.yaml')).sort();
  return Promise.all(files.map(async (file) => ({ file, text: await readFile(path.join(manifestsDir, file), 'utf8') })));
}

const suite = typeof checkers === 'string' || !existsSync(manifestsDir) ? describe.skip : describe;
if (typeof checkers === 'string') {
  console.warn(`corpus suite skipped: ${checkers}`);
}

suite('corpus', () => {
  const ready = checkers as Checkers;
  let manifests: { file: string; text: string }[];
  let invalidInputs: Set<string>;

  beforeAll(async () => {
    manifests = await readManifests();
    invalidInputs = new Set();
    for (const manifest of manifests) {
      const result = await runPodcheck(ready, manifest.text);
      if (result.code !== 0) {
        invalidInputs.add(manifest.file);
      }
    }
    console.warn(`corpus files invalid before injection, left out of the workload check: ${[...invalidInputs].join(', ')}`);
  });

  describe.each(Object.keys(templateRequests))('template %s', (template) => {
    test.each(['native', 'classic'])('webhook patches apply and validate (%s)', async (mode) => {
      const context = await shippedContext(mode === 'native');
      const injectedPods: JsonObject[] = [];
      const failures: string[] = [];
      let podCount = 0;

      for (const manifest of manifests) {
        for (const doc of parseAllDocuments(manifest.text)) {
          const object = doc.toJS() as JsonObject;
          const namespace = isObject(object?.metadata) && typeof object.metadata.namespace === 'string' ? object.metadata.namespace : 'default';
          for (const location of findPods(object)) {
            podCount += 1;
            const pod = asAdmittedPod(location.pod, object, location.owner, template);
            const review = makeReview(pod, { namespace, uid: `${manifest.file}-${location.owner}` });
            const outcome = admit(review.request, context);
            if (outcome.decision !== 'injected') {
              failures.push(`${manifest.file} ${location.owner}: ${outcome.decision}: ${outcome.review.response.status?.message}`);
              continue;
            }
            const injected = applyPatch(pod, decodePatch(outcome.review));
            const applied = await runPatchcheck(ready, review, outcome.review);
            if (applied.code !== 0 || !sameJson(applied.object, injected)) {
              failures.push(`${manifest.file} ${location.owner}: patchcheck exit ${applied.code}: ${applied.stderr}`);
            }
            const again = admit(makeReview(injected, { namespace }).request, context);
            if (again.review.response.patch !== undefined) {
              failures.push(`${manifest.file} ${location.owner}: second admission returned a patch`);
            }
            injectedPods.push(injected);
          }
        }
      }

      expect(failures).toEqual([]);
      expect(podCount).toBeGreaterThan(0);
      expect(injectedPods.length).toBe(podCount);
      const result = await runPodcheck(ready, injectedPods.map((pod) => stringify(pod)).join('---\n'));
      expect(result.stdout.split('\n').filter((line) => line.includes('ERROR'))).toEqual([]);
      expect(result.code).toBe(0);
    });

    test('CLI output validates', async () => {
      const context = await shippedContext(true);
      const outputs: string[] = [];
      for (const manifest of manifests) {
        const result = injectManifests(annotateManifest(manifest.text, template), context, manifest.file);
        expect(result.errors).toEqual([]);
        if (!invalidInputs.has(manifest.file)) {
          outputs.push(result.output);
        }
      }
      const result = await runPodcheck(ready, outputs.join('\n---\n'));
      expect(result.stdout.split('\n').filter((line) => line.includes('ERROR'))).toEqual([]);
      expect(result.code).toBe(0);
    });
  });
});
