import { jsonDepthExceeds } from './json-depth';

/** `levels` arrays inside each other around 1. */
const nestedArrays = (levels: number): unknown => JSON.parse(`${'['.repeat(levels)}1${']'.repeat(levels)}`);
const nestedObjects = (levels: number): unknown => JSON.parse(`${'{"a":'.repeat(levels)}1${'}'.repeat(levels)}`);

describe('jsonDepthExceeds', () => {
  it.each([
    ['a scalar', 1, 0],
    ['null', null, 0],
    ['an empty object', {}, 1],
    ['an empty array', [], 1],
    ['a flat body', { username: 'alice', tables: ['orders'] }, 2],
    ['a policy with criteria', { criteria: [{ column: 'status', op: 'in', value: ['a', 'b'] }] }, 4],
  ])('measures %s as %p levels', (_case, value, depth) => {
    expect(jsonDepthExceeds(value, depth)).toBe(false);
    if (depth > 0) {
      expect(jsonDepthExceeds(value, depth - 1)).toBe(true);
    }
  });

  it('finds the one deep branch among shallow ones', () => {
    expect(jsonDepthExceeds({ a: 1, b: [1, 2], c: { d: nestedArrays(40) } }, 32)).toBe(true);
  });

  it('measures arrays and objects alike', () => {
    expect(jsonDepthExceeds(nestedArrays(32), 32)).toBe(false);
    expect(jsonDepthExceeds(nestedObjects(32), 32)).toBe(false);
    expect(jsonDepthExceeds(nestedArrays(33), 32)).toBe(true);
    expect(jsonDepthExceeds(nestedObjects(33), 32)).toBe(true);
  });

  it('does not overflow the stack on a value nested a million levels deep', () => {
    expect(jsonDepthExceeds(nestedArrays(1_000_000), 32)).toBe(true);
  });
});
