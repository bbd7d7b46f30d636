/**
 * Windowed aggregates (SPEC §7) for many labels from ONE unordered scan of a group's
 * rows, in memory proportional to the labels, never to the rows.
 *
 * A row counts for a label of its key at time t when t lies in [countsFrom, countsUntil)
 * (core/window.ts). The labels of one key are sorted by time (LabelIndex), so the labels a
 * row counts for are one contiguous run of positions [lo, hi), found by two binary
 * searches. Every aggregate is then a "range update, point query" problem over label
 * positions, which needs no order among the rows:
 *
 * - counts: +1 on a range, as a difference array (exact integer arithmetic);
 * - sums, minima and maxima: a segment tree over positions whose nodes hold the sum (or
 *   min, or max) of the values applied to them; a label's answer combines its leaf with
 *   its ancestors. Sums only ever add: no value is subtracted when it leaves a window, so
 *   nothing cancels, and a label's sum differs from the database's only by the order of
 *   the additions (the last bits of a float).
 *
 * Each row costs two binary searches per distinct window and O(log run length) node
 * updates per accumulator; memory is a few arrays of label-count length per accumulator,
 * shared by features that need the same one (a sum and an average of one column).
 * The rows may come in any order, so the scan is the same unordered scan the latest-value
 * merge uses, with no sort in the database.
 */
import type { Feature, FeatureType, Group } from '../metadata/types.js';
import { featureValue, normaliseValue, type Value } from '../core/values.js';
import { countsFrom, countsUntil } from '../core/window.js';
import type { TimeRules } from '../core/visibility.js';
import type { LabelIndex } from './as-of-merge.js';

/** Code-point order of two strings (what binary collations give for UTF-8), without allocating. */
export function compareCodePoints(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    let x = a.charCodeAt(i), y = b.charCodeAt(i);
    if (x === y) continue;
    // UTF-16 puts surrogates (U+D800–DFFF, the halves of characters beyond U+FFFF) below
    // U+E000–FFFF; code-point order puts those characters above. Shift to fix.
    if (x >= 0xd800 && y >= 0xd800) {
      x = x >= 0xe000 ? x - 0x800 : x + 0x2000;
      y = y >= 0xe000 ? y - 0x800 : y + 0x2000;
    }
    return x - y;
  }
  return a.length - b.length;
}

/** +1 over a range of positions, read once at the end: a difference array. */
class RangeCounter {
  private readonly diff: Int32Array;
  constructor(size: number) {
    this.diff = new Int32Array(size + 1);
  }
  add(lo: number, hi: number): void {
    this.diff[lo]!++;
    this.diff[hi]!--;
  }
  /** Turns the differences into counts; call once, after the last add. */
  finish(): Int32Array {
    for (let p = 1; p < this.diff.length; p++) this.diff[p]! += this.diff[p - 1]!;
    return this.diff;
  }
}

type Combine = 'sum' | 'min' | 'max';

/**
 * Range update with a commutative operation, point query at the end: the bottom-up
 * segment tree (leaves at size..2·size-1, node i's children 2i and 2i+1), valid for any size.
 */
class NumberTree {
  private tree: Float64Array;
  constructor(
    private readonly size: number,
    private readonly combine: Combine,
  ) {
    this.tree = new Float64Array(2 * size).fill(combine === 'sum' ? 0 : combine === 'min' ? Infinity : -Infinity);
  }
  apply(lo: number, hi: number, v: number): void {
    const t = this.tree;
    for (let l = lo + this.size, r = hi + this.size; l < r; l >>= 1, r >>= 1) {
      if (l & 1) this.put(t, l++, v);
      if (r & 1) this.put(t, --r, v);
    }
  }
  private put(t: Float64Array, node: number, v: number): void {
    if (this.combine === 'sum') t[node]! += v;
    else if (this.combine === 'min') t[node] = Math.min(t[node]!, v);
    else t[node] = Math.max(t[node]!, v);
  }
  /** Pushes every node's value down to the leaves (parents before children); leaves then hold the answers. */
  finish(): Float64Array {
    const t = this.tree;
    for (let i = 2; i < 2 * this.size; i++) this.put(t, i, t[i >> 1]!);
    // A copy of the leaves, so the inner nodes (half the tree) are freed before the output pass.
    const leaves = t.slice(this.size);
    this.tree = new Float64Array(0);
    return leaves;
  }
}

/** The same tree for strings and dates (compared by code point); undefined is "no value yet". */
class TextTree {
  private readonly tree: (string | undefined)[];
  constructor(
    private readonly size: number,
    private readonly wantMin: boolean,
  ) {
    this.tree = new Array<string | undefined>(2 * size).fill(undefined);
  }
  apply(lo: number, hi: number, v: string): void {
    for (let l = lo + this.size, r = hi + this.size; l < r; l >>= 1, r >>= 1) {
      if (l & 1) this.put(l++, v);
      if (r & 1) this.put(--r, v);
    }
  }
  private put(node: number, v: string | undefined): void {
    if (v === undefined) return;
    const old = this.tree[node];
    if (old === undefined || (this.wantMin ? compareCodePoints(v, old) < 0 : compareCodePoints(v, old) > 0)) this.tree[node] = v;
  }
  finish(): (string | undefined)[] {
    for (let i = 2; i < 2 * this.size; i++) this.put(i, this.tree[i >> 1]);
    return this.tree.slice(this.size);
  }
}

/** What the accumulators of one feature read at the end, per label position. */
interface Finished {
  readonly counts?: Int32Array;
  readonly numbers?: Float64Array;
  readonly texts?: (string | undefined)[];
}

/** A feature's result by label position. */
export interface WindowColumn {
  get(position: number): Value;
}

const TEXT_TYPES: ReadonlySet<FeatureType> = new Set(['string', 'date']);

/** One accumulator and what feeds it: the value of feature `reads` (every sharer reads the same column), over window `windowIndex`. */
interface Accumulator {
  readonly target: RangeCounter | NumberTree | TextTree;
  readonly reads: number;
  readonly windowIndex: number;
  readonly kind: 'count' | 'number' | 'text';
  readonly type: FeatureType;
}

/**
 * Aggregates of one read's features for every label of its entity. Offer every row of
 * the scan (any order), then `finish()` once.
 */
export class WindowMerge {
  /** The distinct windows of the features, longest first. */
  private readonly windows: number[];
  private readonly accumulators: Accumulator[] = [];
  /** Per feature: its counter and its value accumulator, by index into `accumulators`. */
  private readonly parts: { counter: number; value?: number }[];
  /** Per window: the first position past the run the current row counts for (scratch). */
  private readonly his: Int32Array;

  /**
   * @param group the features' group, named (with the feature) when a value breaks the
   *   type rule, as every other read names it
   */
  constructor(
    private readonly labels: LabelIndex,
    private readonly group: Group,
    private readonly features: readonly Feature[],
    private readonly rules: TimeRules,
  ) {
    const n = labels.labelCount;
    this.windows = [...new Set(features.map((f) => f.aggregate!.windowMs))].sort((a, b) => b - a);
    this.his = new Int32Array(this.windows.length);
    // Features that need the same accumulator share it: a count, a sum and an average of
    // one column over one window read one counter and one sum tree.
    const ids = new Map<string, number>();
    const use = (id: string, make: () => Omit<Accumulator, 'reads' | 'windowIndex'>, reads: number, windowIndex: number): number => {
      let i = ids.get(id);
      if (i === undefined) {
        i = this.accumulators.push({ ...make(), reads, windowIndex }) - 1;
        ids.set(id, i);
      }
      return i;
    };
    this.parts = features.map((feature, f) => {
      const { fn, windowMs, countsRows } = feature.aggregate!;
      const w = this.windows.indexOf(windowMs);
      const source = `${windowMs}/${countsRows ? '*' : `c:${feature.column}`}`;
      const counter = use(`${source}/count`, () => ({ target: new RangeCounter(n), kind: 'count', type: 'int' }), f, w);
      // A sum tree checks its values by its first reader's type, so an int sum and a float
      // average of one column do not share one: 2.5 must fail the int sum, not pass the average.
      if (fn === 'sum' || fn === 'avg') return { counter, value: use(`${source}/sum/${feature.type}`, () => ({ target: new NumberTree(n, 'sum'), kind: 'number', type: feature.type }), f, w) };
      if (fn === 'min' || fn === 'max') {
        const text = TEXT_TYPES.has(feature.type);
        const make = (): Omit<Accumulator, 'reads' | 'windowIndex'> =>
          text ? { target: new TextTree(n, fn === 'min'), kind: 'text', type: feature.type } : { target: new NumberTree(n, fn), kind: 'number', type: feature.type };
        return { counter, value: use(`${source}/${fn}/${feature.type}`, make, f, w) };
      }
      return { counter };
    });
  }

  /**
   * Offers one row of key number `key`, with its times in epoch ms (event not NaN) and
   * its values by feature index, as the scan returned them.
   */
  offer(key: number, event: number, created: number, values: (f: number) => unknown): void {
    const { blockStart, sortedTimes } = this.labels;
    const end = blockStart[key + 1]!;
    const lo = lowerBound(sortedTimes, blockStart[key]!, end, countsFrom(event, created, this.rules));
    if (lo === end) return; // every label of this key is earlier than the row
    for (let w = 0; w < this.windows.length; w++) this.his[w] = lowerBound(sortedTimes, lo, end, countsUntil(event, this.windows[w]!));
    for (let a = 0; a < this.accumulators.length; a++) {
      const acc = this.accumulators[a]!;
      const hi = this.his[acc.windowIndex]!;
      if (hi <= lo) continue;
      const raw = values(acc.reads);
      if (raw === null || raw === undefined) continue; // NULLs are ignored by every aggregate
      if (acc.kind === 'count') (acc.target as RangeCounter).add(lo, hi);
      else if (acc.kind === 'number') (acc.target as NumberTree).apply(lo, hi, this.number(raw, acc));
      else (acc.target as TextTree).apply(lo, hi, String(featureValue(raw, this.group, this.features[acc.reads]!)));
    }
  }

  /**
   * A value as the number its tree combines, by the type rule (core/values.ts): a value
   * the feature's type cannot hold is an error naming the group and feature. A driver's
   * number that already fits (the common case) is taken as it is.
   */
  private number(raw: unknown, acc: Accumulator): number {
    if (typeof raw === 'number' && (acc.type !== 'int' || Number.isInteger(raw))) return raw;
    const v = featureValue(raw, this.group, this.features[acc.reads]!);
    return v instanceof Date ? v.getTime() : Number(v);
  }

  /** The features' values by label position; call once, after the last row. */
  finish(): WindowColumn[] {
    const done = this.accumulators.map((a) => a.target.finish());
    return this.features.map((f, i) => {
      const { counter, value } = this.parts[i]!;
      const v = value === undefined ? undefined : done[value];
      return column(f, {
        counts: done[counter] as Int32Array,
        ...(v instanceof Float64Array ? { numbers: v } : Array.isArray(v) ? { texts: v } : {}),
      });
    });
  }
}

function column(f: Feature, r: Finished): WindowColumn {
  const counts = r.counts!;
  const type = f.type;
  switch (f.aggregate!.fn) {
    case 'count':
      return { get: (p) => counts[p]! };
    case 'avg':
      return { get: (p) => (counts[p]! === 0 ? null : r.numbers![p]! / counts[p]!) };
    default:
      if (r.texts) return { get: (p) => (counts[p]! === 0 ? null : (r.texts![p] ?? null)) };
      return { get: (p) => (counts[p]! === 0 ? null : normaliseValue(r.numbers![p]!, type)) };
  }
}

/** The first position in [lo, hi) whose time is >= `time` (hi when none). */
function lowerBound(times: Float64Array, lo: number, hi: number, time: number): number {
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (times[mid]! < time) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
