/**
 * The streaming as-of merge: point-in-time lookups for many labels from ONE unordered
 * scan of a group's rows, in memory proportional to the labels, never to the rows.
 *
 * Why it works without sorting the rows: a row is visible to a label at time t from
 * `start = visibleFrom(row)` on, until its ttl runs out. Among the rows that have
 * started by t, take the one with the greatest priority (event time, then created time);
 * if even it has expired, every other started row — having an event time no later — has
 * expired too. So the winner for t is a prefix maximum over start positions, checked once
 * against the ttl. Each row is one binary search and one comparison into a slot; a final
 * sweep per key carries the running maximum forward. O(rows · log labels-per-key) time,
 * O(labels) memory, identical results whatever order the database returns rows in.
 */
import { beats, visibleFrom, type RowTimes, type TimeRules } from './visibility.js';

/** Labels of one entity, sorted by (key, time) once and shared by all its groups. */
export class LabelIndex {
  /** Label numbers (input positions) in (key, time) order. */
  readonly order: Int32Array;
  /** Label times in that order (a copy, so the hot binary search touches one array). */
  readonly sortedTimes: Float64Array;
  /** Labels of key k occupy positions [blockStart[k], blockStart[k + 1]). */
  readonly blockStart: Int32Array;

  /**
   * @param keyOfLabel key number (dense, 0..keyCount-1) of each label
   * @param timeOfLabel time of each label, epoch ms
   */
  constructor(keyOfLabel: Int32Array, timeOfLabel: Float64Array, keyCount: number) {
    const n = keyOfLabel.length;
    // Counting sort by key, then sort each block by time: O(n log n_k).
    const blockStart = new Int32Array(keyCount + 1);
    for (let i = 0; i < n; i++) blockStart[keyOfLabel[i]! + 1]!++;
    for (let k = 0; k < keyCount; k++) blockStart[k + 1]! += blockStart[k]!;
    const fill = blockStart.slice(0, keyCount);
    const order = new Int32Array(n);
    for (let i = 0; i < n; i++) order[fill[keyOfLabel[i]!]!++] = i;
    for (let k = 0; k < keyCount; k++) {
      const lo = blockStart[k]!, hi = blockStart[k + 1]!;
      if (hi - lo > 1) order.subarray(lo, hi).sort((a, b) => timeOfLabel[a]! - timeOfLabel[b]! || a - b);
    }
    const sortedTimes = new Float64Array(n);
    for (let p = 0; p < n; p++) sortedTimes[p] = timeOfLabel[order[p]!]!;
    this.order = order;
    this.sortedTimes = sortedTimes;
    this.blockStart = blockStart;
  }

  get labelCount(): number {
    return this.order.length;
  }
}

/** Collects, for one group, the winning row of every label. */
export class AsOfMerge<V> {
  private readonly slotEvent: Float64Array;
  private readonly slotCreated: Float64Array;
  private readonly slotValue: (V | undefined)[];

  constructor(
    private readonly labels: LabelIndex,
    private readonly rules: TimeRules,
  ) {
    const n = labels.labelCount;
    this.slotEvent = new Float64Array(n);
    this.slotCreated = new Float64Array(n);
    this.slotValue = new Array<V | undefined>(n).fill(undefined);
  }

  /** Offers one feature row of key number `key` (from any position of an unordered scan). */
  offer(key: number, row: RowTimes, value: V): void {
    const { blockStart, sortedTimes } = this.labels;
    let lo = blockStart[key]!;
    let hi = blockStart[key + 1]!;
    const start = visibleFrom(row, this.rules);
    // First label position with time >= start.
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (sortedTimes[mid]! < start) lo = mid + 1;
      else hi = mid;
    }
    if (lo === blockStart[key + 1]!) return; // every label of this key is earlier than the row
    const current = this.slotValue[lo];
    if (current === undefined || beats(row, { event: this.slotEvent[lo]!, created: this.slotCreated[lo]! })) {
      this.slotEvent[lo] = row.event;
      this.slotCreated[lo] = row.created;
      this.slotValue[lo] = value;
    }
  }

  /** The winner of every label, by label number; undefined where no row is visible. */
  resolve(): (V | undefined)[] {
    const { order, sortedTimes, blockStart } = this.labels;
    const ttl = this.rules.ttlMs;
    const result = new Array<V | undefined>(order.length).fill(undefined);
    for (let k = 0; k + 1 < blockStart.length; k++) {
      let event = -Infinity, created = -Infinity;
      let value: V | undefined;
      for (let p = blockStart[k]!; p < blockStart[k + 1]!; p++) {
        const v = this.slotValue[p];
        if (v !== undefined && (value === undefined || beats({ event: this.slotEvent[p]!, created: this.slotCreated[p]! }, { event, created }))) {
          event = this.slotEvent[p]!;
          created = this.slotCreated[p]!;
          value = v;
        }
        if (value !== undefined && (ttl === undefined || event >= sortedTimes[p]! - ttl)) result[order[p]!] = value;
      }
    }
    return result;
  }
}
