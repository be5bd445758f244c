import { matchesLabelSelector } from './labelSelector.js';

describe('matchesLabelSelector', () => {
  const labels = { app: 'shop', tier: 'web' };

  it.each([
    ['absent selector', undefined, true],
    ['empty selector', {}, true],
    ['matchLabels equal', { matchLabels: { app: 'shop' } }, true],
    ['matchLabels different', { matchLabels: { app: 'cart' } }, false],
    ['matchLabels missing key', { matchLabels: { zone: 'a' } }, false],
    ['In with value', { matchExpressions: [{ key: 'app', operator: 'In', values: ['shop', 'cart'] }] }, true],
    ['In without key', { matchExpressions: [{ key: 'zone', operator: 'In', values: ['a'] }] }, false],
    ['NotIn with value', { matchExpressions: [{ key: 'app', operator: 'NotIn', values: ['shop'] }] }, false],
    ['NotIn other value', { matchExpressions: [{ key: 'app', operator: 'NotIn', values: ['cart'] }] }, true],
    ['NotIn without key', { matchExpressions: [{ key: 'zone', operator: 'NotIn', values: ['a'] }] }, true],
    ['Exists', { matchExpressions: [{ key: 'tier', operator: 'Exists' }] }, true],
    ['DoesNotExist', { matchExpressions: [{ key: 'tier', operator: 'DoesNotExist' }] }, false],
    [
      'one failing term',
      {
        matchLabels: { app: 'shop' },
        matchExpressions: [{ key: 'tier', operator: 'In', values: ['db'] }],
      },
      false,
    ],
  ])('%s', (_case, selector, expected) => {
    expect(matchesLabelSelector(selector, labels)).toBe(expected);
  });

  it('rejects unknown operator', () => {
    expect(() => matchesLabelSelector({ matchExpressions: [{ key: 'app', operator: 'Equals' }] }, labels)).toThrow(
      'invalid label selector operator "Equals" for key app',
    );
  });
});
