import fc from 'fast-check';
import { admit } from '../../src/admission/admit.js';
import type { JsonObject } from '../../src/templates/types.js';
import { applyPatch, decodePatch, makeReview, minimalPod, shippedContext } from '../support/reviews.js';

/** Returns the shape of a value: object keys and array lengths, with every leaf replaced by its type. */
function shape(value: unknown): unknown {
  if (Array.isArray(value)) {
    return value.map(shape);
  }
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, shape(inner)]));
  }
  return typeof value;
}

const hostile = [
  'db"; rm -rf / #',
  'a: b',
  'line1\nline2',
  '{{ image }}',
  '*anchor',
  '&anchor value',
  '- item',
  '数据库.example',
  '$(DB_PASSWORD)',
  '`id`',
  '../../etc',
  '/var/log/app\n  - name: evil',
];

async function inject(parameter: string, value: string, template: string, extra: Record<string, string> = {}) {
  const pod = minimalPod({ 'sidecar-injector.io/inject': template, [`sidecar-injector.io/${template}.${parameter}`]: value, ...extra });
  const outcome = admit(makeReview(pod).request, await shippedContext());
  return { outcome, injected: outcome.decision === 'injected' ? applyPatch(pod, decodePatch(outcome.review)) : undefined };
}

function specShape(pod: JsonObject | undefined): unknown {
  return shape((pod as { spec: unknown }).spec);
}

describe('annotation values', () => {
  /** Values for each template's required parameters. */
  const required: Record<string, Record<string, string>> = {
    'config-init': { content: 'x' },
    'wait-for': { host: 'db', port: '80' },
    ambassador: { 'upstream-host': 'db' },
  };
  const cases: [string, string][] = [
    ['config-init', 'content'],
    ['log-collector', 'log-path'],
    ['log-collector', 'file-pattern'],
    ['wait-for', 'host'],
    ['ambassador', 'upstream-host'],
    ['metrics-adapter', 'metric-prefix'],
  ];

  test.each(cases)('%s.%s never changes the shape', async (template, parameter) => {
    const base: Record<string, string> = {};
    for (const [name, value] of Object.entries(required[template] ?? {})) {
      if (name !== parameter) {
        base[`sidecar-injector.io/${template}.${name}`] = value;
      }
    }
    const plain = parameter === 'log-path' ? '/logs' : 'plain';
    const expected = specShape((await inject(parameter, plain, template, base)).injected);

    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.constantFrom(...hostile), fc.string({ unit: 'binary', maxLength: 200 })), async (value) => {
        const { outcome, injected } = await inject(parameter, value, template, base);
        if (outcome.decision === 'denied') {
          expect(outcome.injection?.problems.every((p) => p.code === 'InvalidParameter' || p.code === 'MissingParameter')).toBe(true);
          return;
        }
        expect(specShape(injected)).toEqual(expected);
      }),
      { numRuns: 150, seed: 20261204 },
    );
  });

  test('hostile text stays literal', async () => {
    const content = hostile.join('\n');
    const { injected } = await inject('content', content, 'config-init');
    const init = (injected as { spec: { initContainers: { env: { name: string; value: string }[] }[] } }).spec.initContainers[0]!;
    const value = init.env.find((variable) => variable.name === 'CONFIG_CONTENT')!.value;
    // The kubelet turns $$ into $ and expands $(VAR), so every $ of the value is doubled.
    expect(value).toContain('$$(DB_PASSWORD)');
    expect(value.replaceAll('$$', '$')).toBe(content);
  });

  test.each(hostile.filter((value) => !/^[a-z0-9.-]+$/.test(value)))('host %j is rejected', async (value) => {
    const { outcome } = await inject('host', value, 'wait-for', { 'sidecar-injector.io/wait-for.port': '80' });
    expect(outcome.decision).toBe('denied');
    expect(outcome.review.response.status?.message).toContain(`is ${JSON.stringify(value)}; expected a DNS name`);
  });
});
