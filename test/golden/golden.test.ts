import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parse, stringify } from 'yaml';
import { admit } from '../../src/admission/admit.js';
import { injectManifests } from '../../src/cli/inject-command.js';
import type { JsonObject } from '../../src/templates/types.js';
import { corpusDir, findCheckers, repoRoot, runPatchcheck, runPodcheck } from '../support/checkers.js';
import { applyPatch, decodePatch, makeReview, shippedContext } from '../support/reviews.js';
import { goldenCases, removeHandWrittenSidecar, workloadCases, type GoldenCase } from './cases.js';

// UPDATE_GOLDENS=1 rewrites the expected files; otherwise a difference fails.
const updateGoldens = process.env.UPDATE_GOLDENS === '1';
const expectedDir = path.join(repoRoot, 'test/golden/expected');
const seedDir = path.join(corpusDir, 'seed-examples');
const checkers = findCheckers();
const modes = ['native', 'classic'] as const;

if (typeof checkers === 'string') {
  console.warn(`golden outputs are not checked with patchcheck and podcheck: ${checkers}`);
}
if (!existsSync(seedDir)) {
  console.warn(`golden cases built from the Pod-patterns guide are skipped: ${seedDir} not found`);
}

async function loadInput(goldenCase: GoldenCase): Promise<JsonObject | undefined> {
  const file = inputFile(goldenCase);
  if (!existsSync(file)) {
    return undefined;
  }
  const pod = parse(await readFile(file, 'utf8')) as JsonObject;
  const stripped = removeHandWrittenSidecar(pod, goldenCase);
  const metadata = (stripped.metadata ?? {}) as JsonObject;
  metadata.annotations = { ...((metadata.annotations as object) ?? {}), ...goldenCase.annotations };
  stripped.metadata = metadata;
  return stripped;
}

async function compareWithGolden(file: string, actual: JsonObject): Promise<void> {
  const text = stringify(actual, { lineWidth: 0 });
  if (updateGoldens || !existsSync(file)) {
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, text);
    if (!updateGoldens) {
      throw new Error(`golden file ${file} was missing and has been written; review it and run the tests again`);
    }
    return;
  }
  expect(parse(await readFile(file, 'utf8'))).toEqual(actual);
}

const outputs: JsonObject[] = [];

function inputFile(goldenCase: GoldenCase): string {
  return goldenCase.seed ? path.join(seedDir, goldenCase.seed) : path.join(repoRoot, 'test/golden/inputs', goldenCase.fixture!);
}

describe.each(goldenCases)('golden $name', (goldenCase) => {
  // Cases built from the Pod-patterns guide need ../shared; without it they are skipped.
  const test = existsSync(inputFile(goldenCase)) ? globalThis.test : globalThis.test.skip;

  describe.each(modes)('%s sidecars', (mode) => {
    let input: JsonObject;
    let injected: JsonObject;

    beforeAll(async () => {
      input = (await loadInput(goldenCase))!;
    });

    test('webhook patch gives the golden Pod', async () => {
      const context = await shippedContext(mode === 'native');
      const review = makeReview(input, { namespace: goldenCase.namespace ?? 'default' });
      const outcome = admit(review.request, context);
      expect(outcome.review.response.status?.message).toBeUndefined();
      expect(outcome.decision).toBe(goldenCase.decision ?? 'injected');
      if (goldenCase.warnings) {
        expect(outcome.review.response.warnings ?? []).toEqual(goldenCase.warnings[mode] ?? []);
      }

      injected = applyPatch(input, decodePatch(outcome.review));
      await compareWithGolden(path.join(expectedDir, `${goldenCase.name}.${mode}.yaml`), injected);
      outputs.push(injected);

      if (typeof checkers !== 'string') {
        const applied = await runPatchcheck(checkers, review, outcome.review);
        const errors = applied.stderr.split('\n').filter((line) => line !== '' && !line.startsWith('patchcheck: webhook warning:'));
        expect(errors).toEqual([]);
        expect(applied.code).toBe(0);
        expect(applied.object).toEqual(injected);
      }
    });

    test('second admission adds nothing', async () => {
      const context = await shippedContext(mode === 'native');
      const again = admit(makeReview(injected).request, context);
      expect(again.decision).toBe(goldenCase.decision ?? 'already-injected');
      expect(again.review.response.patch).toBeUndefined();
      expect(again.review.response.patchType).toBeUndefined();
    });

    test('CLI output equals webhook output', async () => {
      const context = await shippedContext(mode === 'native');
      const result = injectManifests(stringify(input), context);
      expect(result.errors).toEqual([]);
      expect(parse(result.output)).toEqual(injected);
    });
  });
});

describe.each(workloadCases)('golden workload $name', ({ name, fixture }) => {
  test.each(modes)('CLI output (%s)', async (mode) => {
    const text = await readFile(path.join(repoRoot, 'test/golden/inputs', fixture), 'utf8');
    const context = await shippedContext(mode === 'native');
    const result = injectManifests(text, context);
    expect(result.errors).toEqual([]);
    const file = path.join(expectedDir, `${name}.${mode}.yaml`);
    if (updateGoldens || !existsSync(file)) {
      await writeFile(file, result.output);
    }
    expect(result.output).toBe(await readFile(file, 'utf8'));
    outputs.push(parse(result.output) as JsonObject);

    const again = injectManifests(result.output, context);
    expect(again.output).toBe(result.output);
  });
});

const podcheckTest = typeof checkers === 'string' ? test.skip : test;
podcheckTest('podcheck accepts every golden output', async () => {
  if (typeof checkers === 'string') {
    return;
  }
  expect(outputs.length).toBeGreaterThan(0);
  const result = await runPodcheck(checkers, outputs.map((pod) => stringify(pod)).join('---\n'));
  expect(result.stdout + result.stderr).not.toMatch(/ERROR/);
  expect(result.code).toBe(0);
});
