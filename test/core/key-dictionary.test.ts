import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { KeyDictionary } from '../../src/core/key-dictionary.js';

describe('KeyDictionary', () => {
  it('numbers int keys in the order they come, and finds them by value once the dense table stands in for the Map', () => {
    const d = new KeyDictionary(1);
    expect([10, 12, 10, 11].map((k) => d.addValue(k))).toEqual([0, 1, 0, 2]);
    expect([10, 11, 12, 13, 9, 10.5, '10'].map((k) => d.lookupValue(k))).toEqual([0, 2, 1, -1, -1, -1, -1]);
    expect(d.lookup([12])).toBe(1);
    expect(d.key(2)).toEqual([11]);
    expect(d.tuples()).toEqual([[10], [12], [11]]);
  });

  it('takes new keys after lookups, numbered after the others', () => {
    const d = new KeyDictionary(1);
    d.addValue(1);
    d.addValue(2);
    expect(d.lookupValue(2)).toBe(1);
    expect(d.addValue(2)).toBe(1);
    expect(d.add([7_000_000])).toBe(2);
    expect([1, 2, 7_000_000, 3].map((k) => d.lookupValue(k))).toEqual([0, 1, 2, -1]);
    expect(d.size).toBe(3);
  });

  it('finds sparse int keys and string keys through the Map', () => {
    const sparse = new KeyDictionary(1);
    [5, 1e12, -3].forEach((k) => sparse.addValue(k));
    expect([1e12, -3, 5, 6].map((k) => sparse.lookupValue(k))).toEqual([1, 2, 0, -1]);
    const strings = new KeyDictionary(1);
    ['a', 'b'].forEach((k) => strings.addValue(k));
    expect(['b', 'a', 'c', 1].map((k) => strings.lookupValue(k))).toEqual([1, 0, -1, -1]);
  });

  it('tells composite keys apart column by column', () => {
    const d = KeyDictionary.fromKeys(2, [
      [1, 12],
      [11, 2],
    ]);
    expect(d.lookup([11, 2])).toBe(1);
    expect(d.lookup([1, 12])).toBe(0);
    expect(d.lookup([1, 2])).toBe(-1);
    expect(d.key(1)).toEqual([11, 2]);
  });

  it('is rebuilt from its entries on another thread with the same numbers, whichever look-up serves it', () => {
    const cases: [number, (string | number)[]][] = [
      [1, [10, 12, 11]], // dense table
      [1, [5, 1e12, -3]], // sparse ints: the Map
      [1, ['b', 'a']], // strings: the Map
      [2, [[1, 12], [11, 2]] as never],
    ];
    for (const [width, keys] of cases) {
      const d = new KeyDictionary(width);
      for (const k of keys) d.add(width === 1 ? [k] : (k as never));
      // The keys in number order, as forThread sends a dictionary without a dense table.
      const copy = KeyDictionary.fromEntries(width, structuredClone(keys));
      expect(copy.size).toBe(keys.length);
      for (let i = 0; i < keys.length; i++) expect(copy.lookup(d.key(i))).toBe(i);
      expect(copy.lookup(width === 1 ? [7] : [7, 7])).toBe(-1);
      expect(copy.lookupValue('zz')).toBe(-1);
      // A key added afterwards is numbered after the others, as in the original.
      expect(copy.add(width === 1 ? [99] : [99, 99])).toBe(keys.length);
      expect(copy.tuples()).toEqual([...d.tuples(), width === 1 ? [99] : [99, 99]]);
    }
  });

  it('looks keys up in another thread as it does here, sharing its table of int keys', () => {
    const ints = new KeyDictionary(1);
    [10, 12, 11].forEach((k) => ints.addValue(k));
    const sparse = new KeyDictionary(1);
    [5, 1e12].forEach((k) => sparse.addValue(k));
    const strings = new KeyDictionary(1);
    ['b', 'a'].forEach((k) => strings.addValue(k));
    const pairs = KeyDictionary.fromKeys(2, [
      [1, 'x'],
      [1, 'y'],
    ]);
    // Through structured clone, as a worker thread receives them.
    const [a, b, c, d] = [ints, sparse, strings, pairs].map((k) => KeyDictionary.fromThread(structuredClone(k.forThread())));
    expect('dense' in ints.forThread()).toBe(true);
    expect([10, 11, 12, 13, 9, 'a'].map((k) => a!.lookupValue(k))).toEqual([0, 2, 1, -1, -1, -1]);
    expect([1e12, 5, 6].map((k) => b!.lookupValue(k))).toEqual([1, 0, -1]);
    expect(['a', 'b', 'c'].map((k) => c!.lookupValue(k))).toEqual([1, 0, -1]);
    expect([d!.lookup([1, 'y']), d!.lookup([1, 'x']), d!.lookup([2, 'x'])]).toEqual([1, 0, -1]);
  });

  it('numbers a key the Map took before the table of small ints reached it as it did then', () => {
    const d = new KeyDictionary(1);
    // 70,000 comes before the table may reach it (4 keys a value): the Map takes it.
    expect(d.addValue(70_000)).toBe(0);
    for (let k = 1; k <= 20_000; k++) expect(d.addValue(k)).toBe(k);
    // Now the table grows to hold it, and finds the number the Map gave it.
    expect(d.addValue(70_000)).toBe(0);
    expect(d.addValue(69_999)).toBe(20_001);
    expect(d.size).toBe(20_002);
  });

  it('finds keys only the table of small ints held once the Map must answer (keys too sparse for the dense table)', () => {
    const d = new KeyDictionary(1);
    [5, 1e12, 7, 5].forEach((k) => d.addValue(k));
    d.doneAdding();
    expect([5, 1e12, 7, 6].map((k) => d.lookupValue(k))).toEqual([0, 1, 2, -1]);
    // Added after the look-ups, a known key keeps its number and a new one takes the next.
    expect([7, 8, 1e12].map((k) => d.addValue(k))).toEqual([2, 3, 1]);
    expect(d.lookupValue(8)).toBe(3);
  });

  it('gives every key the number of its first coming, whatever the mix of values, look-ups and ends of adding', () => {
    const value = fc.oneof(
      fc.integer({ min: 0, max: 300 }),
      fc.integer({ min: 0, max: 70_000 }),
      fc.integer({ min: 0, max: 5_000_000 }),
      fc.constantFrom(2 ** 31, 1e12, -1, -70_000),
    );
    const step = fc.oneof(
      { weight: 8, arbitrary: value.map((v) => ({ add: v })) },
      { weight: 2, arbitrary: value.map((v) => ({ lookup: v })) },
      { weight: 1, arbitrary: fc.constant({ done: true }) },
    );
    fc.assert(
      fc.property(fc.array(step, { maxLength: 400 }), (steps) => {
        const d = new KeyDictionary(1);
        const model = new Map<number, number>();
        for (const s of steps) {
          if ('add' in s) {
            if (!model.has(s.add)) model.set(s.add, model.size);
            expect(d.addValue(s.add)).toBe(model.get(s.add));
          } else if ('lookup' in s) {
            expect(d.lookupValue(s.lookup)).toBe(model.get(s.lookup) ?? -1);
          } else {
            d.doneAdding();
          }
        }
        expect(d.size).toBe(model.size);
        for (const [k, id] of model) expect(d.lookupValue(k)).toBe(id);
      }),
      { numRuns: 300 },
    );
  });
});
