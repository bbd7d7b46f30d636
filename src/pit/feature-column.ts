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

/** A column's contents as plain data, to hand it between threads (typed arrays move without a copy). */
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
      this.numbers = new Float64Array(size);
      this.isNull = new Uint8Array(size).fill(1);
    } else {
      this.values = new Array<Value>(size).fill(null);
    }
  }

  set(slot: number, raw: unknown): void {
    // A number in a float column, or a whole one in an int column, is its own value: the
    // common case skips the type rule's call chain (a quarter of a merge's time per row).
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
