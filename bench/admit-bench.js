// Times patch building alone: admit() from dist/admission/admit.js called in a
// loop on each decoded input, with the context dist/main.js builds with its
// default flags and no cluster: shipped templates, no policies, the default
// annotation prefix and classic sidecars. JSON.parse of the body and JSON.stringify of the response
// are timed beside it, since those must grow with the size of the Pod.
import { performance } from 'node:perf_hooks';
import { admit } from '../dist/admission/admit.js';
import { decodeAdmissionReview } from '../dist/admission/review.js';
import { SHIPPED_TEMPLATES_DIR } from '../dist/config.js';
import { openConfigStore } from '../dist/config-store.js';
import { annotationKeys, DEFAULT_ANNOTATION_PREFIX } from '../dist/injection/annotations.js';
import { createLogger } from '../dist/log.js';
import { waitForQuiet } from './machine.js';
import { median } from './stats.js';

let sink = 0;

/** Calls fn repeatedly for at least durationMs; returns the wall time per call in µs. */
function runFor(fn, durationMs) {
  const start = performance.now();
  let calls = 0;
  let elapsed = 0;
  do {
    sink ^= fn() ? 1 : 0;
    calls += 1;
    elapsed = performance.now() - start;
  } while (elapsed < durationMs);
  return (elapsed * 1000) / calls;
}

/** Runs fn for about budgetMs after a warm-up; returns the median µs per call over 5 batches. */
function timePerCall(fn, budgetMs) {
  runFor(fn, budgetMs / 4);
  return median(Array.from({ length: 5 }, () => runFor(fn, budgetMs / 5)));
}

/** Builds the admission context as serve() in src/serve.ts does with default flags and no cluster. */
export async function mainContext() {
  const store = await openConfigStore({ templatesDir: SHIPPED_TEMPLATES_DIR, logger: createLogger('silent') });
  const { templates, policy } = store.current();
  store.close();
  return { templates, policy, keys: annotationKeys(DEFAULT_ANNOTATION_PREFIX), nativeSidecars: false };
}

/**
 * Times admit(), JSON.parse and JSON.stringify for each input, spending about
 * budgetMs on each once other processes are quiet. Throws when an input is not injected, since the timing
 * would then be of a shortcut.
 */
export async function benchAdmit(inputs, budgetMs) {
  const context = await mainContext();
  const decodedInputs = inputs.map((input) => {
    const decoded = decodeAdmissionReview(JSON.parse(input.body.toString('utf8')));
    if (!decoded.ok) {
      throw new Error(`input ${input.name} is not an AdmissionReview: ${decoded.message}`);
    }
    const outcome = admit(decoded.request, context);
    if (outcome.decision !== 'injected') {
      throw new Error(`input ${input.name} was ${outcome.decision} (${outcome.reason}), not injected`);
    }
    return { input, request: decoded.request, outcome };
  });
  // Warm up on every input first, so that the first input does not pay for compiling the pipeline.
  for (const { request } of decodedInputs) {
    runFor(() => admit(request, context), budgetMs / 4);
  }

  const rows = [];
  for (const { input, request, outcome } of decodedInputs) {
    await waitForQuiet([]);
    const admitUs = timePerCall(() => admit(request, context).decision === 'injected', budgetMs);
    const parseUs = timePerCall(() => JSON.parse(input.body.toString('utf8')) !== null, budgetMs);
    const stringifyUs = timePerCall(() => JSON.stringify(outcome.review).length > 0, budgetMs);
    rows.push({
      name: input.name,
      bodyBytes: input.body.length,
      containers: input.containers,
      patchOperations: outcome.injection.patch.length,
      patchBytes: JSON.stringify(outcome.injection.patch).length,
      admitUs,
      parseUs,
      stringifyUs,
    });
  }
  // Reading the sink keeps the timed calls from being optimised away.
  return sink === -1 ? [] : rows;
}
