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
import { NO_TIME, beats, visibleFrom, type TimeRules } from '../core/visibility.js';

/** Blocks of at most this many labels are sorted by insertion. */
const SMALL_BLOCK = 16;

/**
 * Labels of one entity, sorted by (key, time) once and shared by all its groups, and by
 * the merge's worker threads: its arrays live in shared memory, so a worker reads the
 * same bytes instead of a copy of them.
 */
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
    const blockStart = new Int32Array(new SharedArrayBuffer(4 * (keyCount + 1)));
    for (let i = 0; i < n; i++) blockStart[keyOfLabel[i]! + 1]!++;
    for (let k = 0; k < keyCount; k++) blockStart[k + 1]! += blockStart[k]!;
    const fill = blockStart.slice(0, keyCount);
    const order = new Int32Array(new SharedArrayBuffer(4 * n));
    const sortedTimes = new Float64Array(new SharedArrayBuffer(8 * n));
    // Each label's time goes with it: the sort below then compares times side by side in
    // its block, not read from all over the input-order array (a cache miss a comparison).
    for (let i = 0; i < n; i++) {
      const p = fill[keyOfLabel[i]!]!++;
      order[p] = i;
      sortedTimes[p] = timeOfLabel[i]!;
    }
    // A block holds its labels in input order: a stable sort by time keeps ties so.
    for (let k = 0; k < keyCount; k++) {
      const lo = blockStart[k]!, hi = blockStart[k + 1]!;
      if (hi - lo > SMALL_BLOCK) {
        sortBlock(order, sortedTimes, lo, hi);
        continue;
      }
      // Most keys have a few labels: sorted by insertion here, not by a call of sort each
      // (a tenth of a second of a million labels' reading on 100,000 keys).
      for (let i = lo + 1; i < hi; i++) {
        const label = order[i]!, time = sortedTimes[i]!;
        let j = i - 1;
        for (; j >= lo && sortedTimes[j]! > time; j--) {
          order[j + 1] = order[j]!;
          sortedTimes[j + 1] = sortedTimes[j]!;
        }
        order[j + 1] = label;
        sortedTimes[j + 1] = time;
      }
    }
    this.order = order;
    this.sortedTimes = sortedTimes;
    this.blockStart = blockStart;
  }

  /**
   * Each label's position in the index: the slot a window merge answers it in (its
   * results are kept by position, not by label).
   */
  positionOfLabel(): Int32Array {
    const position = new Int32Array(this.order.length);
    this.order.forEach((label, p) => (position[label] = p));
    return position;
  }

  /** The arrays, to hand the index to another thread (shared, not copied). */
  state(): { order: Int32Array; sortedTimes: Float64Array; blockStart: Int32Array } {
    return { order: this.order, sortedTimes: this.sortedTimes, blockStart: this.blockStart };
  }

  static fromState(state: { order: Int32Array; sortedTimes: Float64Array; blockStart: Int32Array }): LabelIndex {
    const index = Object.create(LabelIndex.prototype) as LabelIndex;
    return Object.assign(index, state);
  }

  get labelCount(): number {
    return this.order.length;
  }
}

/**
 * Sorts positions [lo, hi) of the index by time, ties in input order (the order they are
 * in): a bottom-up merge sort of the block's times and labels, side by side. A sort with
 * a comparator reading the input-order times was a cache miss a comparison (1M labels on
 * 10,000 keys took 270 ms to index, against 50 ms on 100,000 keys with small blocks).
 */
function sortBlock(order: Int32Array, sortedTimes: Float64Array, lo: number, hi: number): void {
  const n = hi - lo;
  let times = sortedTimes.slice(lo, hi), labels = order.slice(lo, hi);
  let toTimes = new Float64Array(n), toLabels = new Int32Array(n);
  for (let width = 1; width < n; width *= 2) {
    for (let left = 0; left < n; left += 2 * width) {
      const mid = Math.min(left + width, n), end = Math.min(left + 2 * width, n);
      let i = left, j = mid, k = left;
      // `<=`: of equal times, the left run's (earlier in input order) goes first.
      while (i < mid && j < end) {
        if (times[i]! <= times[j]!) (toTimes[k] = times[i]!), (toLabels[k++] = labels[i++]!);
        else (toTimes[k] = times[j]!), (toLabels[k++] = labels[j++]!);
      }
      while (i < mid) (toTimes[k] = times[i]!), (toLabels[k++] = labels[i++]!);
      while (j < end) (toTimes[k] = times[j]!), (toLabels[k++] = labels[j++]!);
    }
    [times, toTimes] = [toTimes, times];
    [labels, toLabels] = [toLabels, labels];
  }
  sortedTimes.set(times, lo);
  order.set(labels, lo);
}

/**
 * Finds, for one group, the winning row of every label. The merge only keeps times per
 * slot; the caller stores the values of a row that takes a slot (columnar, see
 * feature-column.ts), so no row object outlives its batch.
 */
export class AsOfMerge {
  private readonly slotEvent: Float64Array;
  /**
   * Allocated at the first row with a created time: until then every held slot's is
   * NO_TIME, and a group without created_time (most of them) never needs the 8 bytes a label.
   */
  private slotCreated: Float64Array | undefined;

  constructor(
    private readonly labels: LabelIndex,
    private readonly rules: TimeRules,
  ) {
    const n = labels.labelCount;
    // NaN marks an empty slot: it compares false with everything.
    this.slotEvent = new Float64Array(n).fill(NaN);
  }

  /**
   * Offers one feature row of key number `key` (from any position of an unordered scan),
   * with its times in epoch ms. Returns the slot the row now holds (store its values
   * there), or -1 when it wins nothing.
   */
  offer(key: number, event: number, created: number): number {
    const { blockStart, sortedTimes } = this.labels;
    let lo = blockStart[key]!;
    let hi = blockStart[key + 1]!;
    const start = visibleFrom(event, created, this.rules);
    // First label position with time >= start.
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (sortedTimes[mid]! < start) lo = mid + 1;
      else hi = mid;
    }
    if (lo === blockStart[key + 1]!) return -1; // every label of this key is earlier than the row
    const slotEvent = this.slotEvent[lo]!;
    let slotCreated = this.slotCreated;
    if (slotEvent !== slotEvent || beats(event, created, slotEvent, slotCreated === undefined ? NO_TIME : slotCreated[lo]!)) {
      this.slotEvent[lo] = event;
      if (slotCreated === undefined && created !== NO_TIME) slotCreated = this.slotCreated = new Float64Array(this.slotEvent.length).fill(NO_TIME);
      if (slotCreated !== undefined) slotCreated[lo] = created;
      return lo;
    }
    return -1;
  }

  /** The slot holding the winner of every label (by label number), or -1 where no row is visible. */
  resolve(): Int32Array {
    const { order, sortedTimes, blockStart } = this.labels;
    const ttl = this.rules.ttlMs;
    const slotCreated = this.slotCreated;
    const result = new Int32Array(order.length).fill(-1);
    for (let k = 0; k + 1 < blockStart.length; k++) {
      let event = -Infinity, created = -Infinity;
      let winner = -1;
      for (let p = blockStart[k]!; p < blockStart[k + 1]!; p++) {
        const e = this.slotEvent[p]!;
        const c = slotCreated === undefined ? NO_TIME : slotCreated[p]!;
        if (e === e && (winner < 0 || beats(e, c, event, created))) {
          event = e;
          created = c;
          winner = p;
        }
        if (winner >= 0 && (ttl === undefined || event >= sortedTimes[p]! - ttl)) result[order[p]!] = winner;
      }
    }
    return result;
  }
}
