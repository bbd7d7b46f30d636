import { describe, expect, it } from 'vitest';
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
});
