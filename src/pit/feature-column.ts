/**
 * One feature's values for a set of slots (labels, or merge slots), normalised by type.
 * Numeric types (int, float, bool, timestamp) live in a Float64Array with a NULL mask —
 * 9 bytes a slot instead of a boxed number and a row object — so a million-label join
 * keeps its winners in a few megabytes. A value a double cannot hold exactly (an int
 * beyond 2^53) moves the column to a plain array.
 */
import type { Feature, FeatureType, Group } from '../metadata/types.js';
import { featureValue, normaliseValue, type Value } from '../core/values.js';

const NUMERIC: ReadonlySet<FeatureType> = new Set(['int', 'float', 'bool', 'timestamp']);

/** A column's contents as plain data, to hand it between threads (its typed arrays are shared, not copied). */
export interface FeatureColumnState {
  readonly type: FeatureType;
  readonly size: number;
  readonly numbers?: Float64Array;
  readonly isNull?: Uint8Array;
  readonly values?: Value[];
}

/** A column for each feature of a group's read, `size` slots each. */
export function featureColumns(read: { readonly group: Group; readonly features: readonly { readonly feature: Feature }[] }, size: number): FeatureColumn[] {
  return read.features.map((f) => new FeatureColumn(f.feature.type, size, { group: read.group, feature: f.feature }));
}

export class FeatureColumn {
  private numbers: Float64Array | undefined;
  private isNull: Uint8Array | undefined;
  private values: Value[] | undefined;

  /**
   * @param owner the feature and its group, named when a value breaks the type rule
   *   (absent for a column rebuilt from another thread's state, which is only read)
   */
  constructor(
    readonly type: FeatureType,
    private readonly size: number,
    private readonly owner?: { readonly group: Group; readonly feature: Feature },
  ) {
    if (NUMERIC.has(this.type)) {
      // In shared memory: a worker thread reads the main thread's columns, and the main
      // thread a worker's, without a copy (a million labels' are 9 MB a feature).
      this.numbers = new Float64Array(new SharedArrayBuffer(8 * size));
      this.isNull = new Uint8Array(new SharedArrayBuffer(size)).fill(1);
    } else {
      this.values = new Array<Value>(size).fill(null);
    }
  }

  set(slot: number, raw: unknown): void {
    // A number in a float column, or a whole one in an int column, is its own value: the
    // common case skips the type rule's call chain.
    const numbers = this.numbers;
    if (numbers !== undefined && typeof raw === 'number' && (this.type === 'float' || (this.type === 'int' && Number.isInteger(raw)))) {
      numbers[slot] = raw;
      this.isNull![slot] = 0;
      return;
    }
    const v = this.owner ? featureValue(raw, this.owner.group, this.owner.feature) : normaliseValue(raw, this.type);
    if (this.numbers) {
      if (v === null) return void (this.isNull![slot] = 1);
      const n = typeof v === 'boolean' ? (v ? 1 : 0) : v instanceof Date ? v.getTime() : v;
      if (typeof n === 'number') {
        this.numbers[slot] = n;
        this.isNull![slot] = 0;
        return;
      }
      this.toValues();
    }
    this.values![slot] = v;
  }

  /**
   * Whether every value is held as a number (a number, boolean or time column, until an
   * int beyond 2^53 comes as a bigint): values whose CSV text is short and reads back.
   */
  holdsNumbers(): boolean {
    return this.numbers !== undefined;
  }

  get(slot: number): Value {
    if (this.values) return this.values[slot] ?? null;
    if (this.isNull![slot]) return null;
    const n = this.numbers![slot]!;
    switch (this.type) {
      case 'bool':
        return n !== 0;
      case 'timestamp':
        return new Date(n);
      default:
        return n;
    }
  }

  /**
   * Moves a latest-value merge's winners from their slots to their labels' places, in
   * place (a copy of each column would be megabytes more at the join's peak); after it,
   * label i's value is at i. The output reads labels in input order: read through the
   * slots, which follow the labels' (key, time) order, every value was a cache miss.
   *
   * Slots are the label index's positions (AsOfMerge), so a slot is also the place of the
   * label `order[slot]`. First each position takes its label's winner's values: a winner
   * is an earlier (or the same) position of the key's block, and it is never overwritten
   * before the positions it wins are filled, as a position is written only when reached and
   * keeps its own values when it is its label's winner (AsOfMerge.resolve carries the
   * winner forward). Then the permutation `order` moves position p's values to label
   * order[p], one cycle at a time.
   *
   * @param order the label of each slot (LabelIndex.order)
   * @param slotOfLabel each label's winning slot, or -1 (AsOfMerge.resolve)
   */
  static toLabelOrder(columns: readonly FeatureColumn[], order: Int32Array, slotOfLabel: Int32Array): void {
    const n = order.length;
    for (let p = 0; p < n; p++) {
      const winner = slotOfLabel[order[p]!]!;
      if (winner === p) continue;
      for (const column of columns) {
        if (winner < 0) column.clear(p);
        else column.copy(winner, p);
      }
    }
    permute(
      columns.flatMap((c) => (c.numbers === undefined ? [] : [c.numbers])),
      columns.flatMap((c) => (c.isNull === undefined ? [] : [c.isNull])),
      columns.flatMap((c) => (c.values === undefined ? [] : [c.values])),
      order,
    );
  }

  private clear(at: number): void {
    if (this.values !== undefined) this.values[at] = null;
    else this.isNull![at] = 1;
  }

  private copy(from: number, to: number): void {
    if (this.values !== undefined) {
      this.values[to] = this.values[from]!;
    } else {
      this.numbers![to] = this.numbers![from]!;
      this.isNull![to] = this.isNull![from]!;
    }
  }

  state(): FeatureColumnState {
    return { type: this.type, size: this.size, numbers: this.numbers, isNull: this.isNull, values: this.values };
  }

  static fromState(state: FeatureColumnState): FeatureColumn {
    const column = new FeatureColumn(state.type, 0);
    Object.assign(column, { size: state.size, numbers: state.numbers, isNull: state.isNull, values: state.values });
    return column;
  }

  private toValues(): void {
    const values = new Array<Value>(this.size);
    for (let i = 0; i < this.size; i++) values[i] = this.get(i);
    this.values = values;
    this.numbers = undefined;
    this.isNull = undefined;
  }
}

/**
 * Moves a[p] to a[order[p]] for every p and every array, in place: `order` is a
 * permutation. All arrays move in one walk of its cycles, so `order` and the walk's marks
 * are read once, not once an array (each a random read of a megabytes-long array); the
 * arrays are passed by kind so that each inner loop reads one kind.
 */
function permute(numbers: readonly Float64Array[], flags: readonly Uint8Array[], values: readonly Value[][], order: Int32Array): void {
  const moved = new Uint8Array(order.length);
  const carriedNumbers = new Float64Array(numbers.length);
  const carriedFlags = new Uint8Array(flags.length);
  const carriedValues = new Array<Value>(values.length);
  for (let start = 0; start < order.length; start++) {
    if (moved[start] === 1) continue;
    for (let k = 0; k < numbers.length; k++) carriedNumbers[k] = numbers[k]![start]!;
    for (let k = 0; k < flags.length; k++) carriedFlags[k] = flags[k]![start]!;
    for (let k = 0; k < values.length; k++) carriedValues[k] = values[k]![start]!;
    let at = order[start]!;
    while (at !== start) {
      for (let k = 0; k < numbers.length; k++) {
        const a = numbers[k]!;
        const next = a[at]!;
        a[at] = carriedNumbers[k]!;
        carriedNumbers[k] = next;
      }
      for (let k = 0; k < flags.length; k++) {
        const a = flags[k]!;
        const next = a[at]!;
        a[at] = carriedFlags[k]!;
        carriedFlags[k] = next;
      }
      for (let k = 0; k < values.length; k++) {
        const a = values[k]!;
        const next = a[at]!;
        a[at] = carriedValues[k]!;
        carriedValues[k] = next;
      }
      moved[at] = 1;
      at = order[at]!;
    }
    for (let k = 0; k < numbers.length; k++) numbers[k]![start] = carriedNumbers[k]!;
    for (let k = 0; k < flags.length; k++) flags[k]![start] = carriedFlags[k]!;
    for (let k = 0; k < values.length; k++) values[k]![start] = carriedValues[k]!;
    moved[start] = 1;
  }
}
