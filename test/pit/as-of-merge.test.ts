import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { AsOfMerge, LabelIndex } from '../../src/pit/as-of-merge.js';
import { NO_TIME } from '../../src/core/visibility.js';
import { refWinners, type RefRow } from '../support/reference.js';
import { FeatureColumn, featureColumns } from '../../src/pit/feature-column.js';

// Small time and key ranges so that ties, equal label/event times and ttl edges are common.
const time = fc.integer({ min: 0, max: 12 });
const row = fc.record({ key: fc.integer({ min: 0, max: 3 }), event: time, created: fc.option(time, { nil: null }), id: fc.nat() });
const label = fc.record({ key: fc.integer({ min: 0, max: 4 }), t: time });

describe('AsOfMerge agrees with the brute-force reference', () => {
  it('for random rows, labels, ttl and --known-at, in any row order', () => {
    fc.assert(
      fc.property(
        fc.array(row, { maxLength: 25, size: 'max' }),
        fc.array(label, { minLength: 1, maxLength: 25, size: 'max' }),
        fc.option(fc.integer({ min: 0, max: 5 }), { nil: undefined }),
        fc.boolean(),
        fc.boolean(),
        (rows, labels, ttlMs, knownAt, isStatic) => {
          const rules = { ttlMs: isStatic ? undefined : ttlMs, knownAt };
          const index = new LabelIndex(Int32Array.from(labels, (l) => l.key), Float64Array.from(labels, (l) => l.t), 5);
          const merge = new AsOfMerge(index, rules);
          const held: RefRow[] = [];
          const refRows: RefRow[] = rows.map((r, i) => ({
            key: [r.key],
            event: isStatic ? undefined : r.event,
            created: isStatic ? null : r.created,
            values: [i],
          }));
          for (const r of refRows) {
            const slot = merge.offer(r.key[0] as number, r.event ?? NO_TIME, r.created ?? NO_TIME);
            if (slot >= 0) held[slot] = r;
          }
          const got = Array.from(merge.resolve(), (slot) => (slot < 0 ? undefined : held[slot]));
          labels.forEach((l, i) => {
            const allowed = refWinners(refRows, [l.key], l.t, { ...rules, static: isStatic });
            if (allowed.length === 0) expect(got[i]).toBeUndefined();
            else expect(allowed).toContain(got[i]);
          });
        },
      ),
      { numRuns: 2000 },
    );
  });
});

describe('FeatureColumn.toLabelOrder', () => {
  it('leaves each label its winning slot\'s values, or NULL, at its own place', () => {
    fc.assert(
      fc.property(
        fc.array(row, { maxLength: 25, size: 'max' }),
        fc.array(label, { minLength: 1, maxLength: 25, size: 'max' }),
        fc.option(fc.integer({ min: 0, max: 5 }), { nil: undefined }),
        fc.boolean(),
        (rows, labels, ttlMs, knownAt) => {
          const index = new LabelIndex(Int32Array.from(labels, (l) => l.key), Float64Array.from(labels, (l) => l.t), 5);
          const merge = new AsOfMerge(index, { ttlMs, knownAt });
          const group = { name: 'g' } as never;
          const read = (type: 'int' | 'string') => ({ feature: { name: type, type, column: type } as never });
          // A numeric column, one of text (a plain array), and one with NULLs among its values.
          const columns = featureColumns({ group, features: [read('int'), read('string'), read('int')] }, labels.length);
          rows.forEach((r, i) => {
            const slot = merge.offer(r.key, r.event, r.created ?? NO_TIME);
            if (slot < 0) return;
            columns[0]!.set(slot, i);
            columns[1]!.set(slot, `row ${i}`);
            columns[2]!.set(slot, i % 2 === 0 ? null : i);
          });
          const slotOfLabel = merge.resolve();
          const expected = columns.map((c) => Array.from(slotOfLabel, (slot) => (slot < 0 ? null : c.get(slot))));
          FeatureColumn.toLabelOrder(columns, index.order, slotOfLabel);
          expect(columns.map((c) => labels.map((_, i) => c.get(i)))).toEqual(expected);
        },
      ),
      { numRuns: 2000 },
    );
  });
});

describe('LabelIndex', () => {
  it('orders the labels by key, then time, then input position, in blocks small and large', () => {
    // Three keys and up to 200 labels: blocks on both sides of the insertion sort's bound
    // (16), of every size up to ~100, with many equal times. `size: 'max'` because
    // fast-check's default size draws arrays of at most 10, whatever maxLength says.
    const labels = fc.array(fc.record({ key: fc.integer({ min: 0, max: 2 }), t: fc.integer({ min: -3, max: 6 }) }), { maxLength: 200, size: 'max' });
    fc.assert(
      fc.property(labels, (ls) => {
        const index = new LabelIndex(Int32Array.from(ls, (l) => l.key), Float64Array.from(ls, (l) => l.t), 3);
        const expected = ls.map((_, i) => i).sort((a, b) => ls[a]!.key - ls[b]!.key || ls[a]!.t - ls[b]!.t || a - b);
        expect([...index.order]).toEqual(expected);
        expect([...index.sortedTimes]).toEqual(expected.map((i) => ls[i]!.t));
        const starts = [0, 1, 2].map((k) => ls.filter((l) => l.key < k).length);
        expect([...index.blockStart]).toEqual([...starts, ls.length]);
      }),
    );
  });
});
