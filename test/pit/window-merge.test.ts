/** The window merge's pieces, without a database: code-point order and one key's runs of labels. */
import { describe, expect, it } from 'vitest';
import { LabelIndex } from '../../src/pit/as-of-merge.js';
import { compareCodePoints, WindowMerge } from '../../src/pit/window-merge.js';
import type { Feature, Group } from '../../src/metadata/types.js';

const H = 3_600_000;

function feature(name: string, fn: 'count' | 'sum' | 'avg' | 'min' | 'max', hours: number, type: Feature['type'], countsRows = false): Feature {
  return { name, fullName: `g.${name}`, groupName: 'g', type, column: countsRows ? name : 'v', aggregate: { fn, windowMs: hours * H, countsRows } };
}

/** The features' group, as the merge names it in a type-rule error. */
const group = (features: Feature[]): Group =>
  ({
    name: 'g',
    entity: { name: 'user', keyColumns: ['user_id'], keyTypes: ['int'] },
    source: { kind: 'table', table: 'events' },
    entityColumns: ['user_id'],
    eventTime: { column: 'e' },
    features,
  }) as unknown as Group;

describe('compareCodePoints', () => {
  it('orders by code point, not UTF-16 unit: U+1F600 sorts after U+FFFD', () => {
    expect(Math.sign(compareCodePoints('\u{1F600}', '\uFFFD'))).toBe(1);
    expect(Math.sign(compareCodePoints('\uFFFD', '\u{1F600}'))).toBe(-1);
    expect(Math.sign(compareCodePoints('B', 'a'))).toBe(-1);
    expect(Math.sign(compareCodePoints('a', 'ab'))).toBe(-1);
    expect(compareCodePoints('é', 'é')).toBe(0);
  });
});

describe('WindowMerge', () => {
  it('counts each row for the labels in [e, e + window) only, in any row order, and ignores NULL values', () => {
    // Key 0 has labels at 0h, 1h, 2h, 3h (label numbers 3, 2, 1, 0: input order is not time order); key 1 at 1h.
    const times = new Float64Array([3 * H, 2 * H, 1 * H, 0, 1 * H]);
    const index = new LabelIndex(new Int32Array([0, 0, 0, 0, 1]), times, 2);
    const features = [feature('n', 'count', 2, 'int', true), feature('s', 'sum', 1, 'float'), feature('lo', 'min', 2, 'float'), feature('hi', 'max', 2, 'float')];
    const merge = new WindowMerge(index, group(features), features, { knownAt: false });
    const rows: [number, number, number | null][] = [
      [0, 1 * H, 5], // counts at 1h and 2h (2h - 2h < 1h), not at 3h
      [0, 0, -1], // counts at 0h and 1h
      [0, 1 * H, null], // a row, not a value
      [1, 2 * H, 9], // later than key 1's only label
    ];
    for (const [key, event, v] of rows.reverse()) merge.offer(key, event, -Infinity, (f) => (f === 0 ? 1 : v)); // the scan selects 1 for a count of rows
    const columns = merge.finish();
    const slot = new Int32Array(5);
    index.order.forEach((label, position) => (slot[label] = position));
    const at = (label: number) => columns.map((c) => c.get(slot[label]!));
    expect(at(3)).toEqual([1, -1, -1, -1]); // 0h
    expect(at(2)).toEqual([3, 5, -1, 5]); // 1h: sum over 1h holds only the row at 1h
    expect(at(1)).toEqual([2, null, 5, 5]); // 2h: the 1h rows are exactly 1h old (out of s), in the 2h window
    expect(at(0)).toEqual([0, null, null, null]); // 3h
    expect(at(4)).toEqual([0, null, null, null]); // key 1 at 1h
  });

  it('names the group, feature, column and value of a value its type cannot hold, as every read does', () => {
    const index = new LabelIndex(new Int32Array([0]), new Float64Array([H]), 1);
    const features = [feature('total', 'sum', 2, 'int'), feature('mean', 'avg', 2, 'float')];
    const merge = new WindowMerge(index, group(features), features, { knownAt: false });
    // The average reads 2.5 as a float; the int sum of the same column must still refuse it.
    expect(() => merge.offer(0, 0, -Infinity, () => 2.5)).toThrow(
      'group g, feature total: 2.5 in column events.v is not an int, the feature\'s declared type (spellbook validate checks the column types)',
    );
    const text = [feature('top', 'max', 2, 'float')];
    const other = new WindowMerge(index, group(text), text, { knownAt: false });
    expect(() => other.offer(0, 0, -Infinity, () => 'frozen')).toThrow(
      'group g, feature top: "frozen" in column events.v is not a float, the feature\'s declared type (spellbook validate checks the column types)',
    );
  });
});
