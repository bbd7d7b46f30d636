/**
 * Dense numbers for the distinct keys of one entity in a labels file, so the merge can
 * index typed arrays by key. Single-column keys use the value itself as the Map key
 * (one entity's key has one type, so 1 and '1' never meet); composite keys use keyId.
 *
 * The scan looks up every row's key: a million Map lookups cost about a second. Int keys
 * in a range not much wider than their count (ids, the usual case) are looked up in a
 * typed array indexed by value instead, built once the labels are all added.
 */
import { keyId, type KeyTuple, type KeyValue } from './keys.js';

export class KeyDictionary {
  private readonly ids = new Map<string | number, number>();
  readonly keys: KeyTuple[] = [];
  /** id of int key `min + i` at i (-1: no such key); built on the first lookup, dropped by add. */
  private dense: { min: number; ids: Int32Array } | null | undefined;

  constructor(private readonly width: number) {}

  /** The dictionary whose key i is keys[i] (another thread's copy of one). */
  static fromKeys(width: number, keys: readonly KeyTuple[]): KeyDictionary {
    const dictionary = new KeyDictionary(width);
    for (const key of keys) dictionary.add(key);
    return dictionary;
  }

  private mapKey(key: KeyTuple): string | number {
    return this.width === 1 ? key[0]! : keyId(key);
  }

  /** The key's number, adding it if new. */
  add(key: KeyTuple): number {
    const k = this.mapKey(key);
    let id = this.ids.get(k);
    if (id === undefined) {
      id = this.keys.length;
      this.ids.set(k, id);
      this.keys.push(key);
      this.dense = undefined;
    }
    return id;
  }

  /** `add` for a single-column key given as its value (no tuple built unless it is new). */
  addValue(value: KeyValue): number {
    let id = this.ids.get(value);
    if (id === undefined) {
      id = this.keys.length;
      this.ids.set(value, id);
      this.keys.push([value]);
      this.dense = undefined;
    }
    return id;
  }

  /** The key's number, or -1 when no label has it. */
  lookup(key: KeyTuple): number {
    return this.ids.get(this.mapKey(key)) ?? -1;
  }

  /** Lookup of a single-column key value without building a tuple (the scan's hot path). */
  lookupValue(value: string | number): number {
    if (typeof value === 'number') {
      const dense = this.dense === undefined ? (this.dense = this.denseTable()) : this.dense;
      if (dense !== null) {
        const i = value - dense.min;
        return i >= 0 && i < dense.ids.length ? (dense.ids[i] ?? -1) : -1; // a fraction is no key
      }
    }
    return this.ids.get(value) ?? -1;
  }

  /**
   * The typed-array table for single-column int keys spanning at most 4 values per key
   * (and 16M in all, 64 MB at most); null where it does not apply.
   */
  private denseTable(): { min: number; ids: Int32Array } | null {
    if (this.width !== 1 || this.keys.length === 0) return null;
    let min = Infinity, max = -Infinity;
    for (const [k] of this.keys) {
      if (typeof k !== 'number') return null;
      if (k < min) min = k;
      if (k > max) max = k;
    }
    const span = max - min + 1;
    if (span > Math.max(4 * this.keys.length, 1024) || span > 1 << 24) return null;
    const ids = new Int32Array(span).fill(-1);
    this.keys.forEach(([k], id) => (ids[(k as number) - min] = id));
    return { min, ids };
  }

  get size(): number {
    return this.keys.length;
  }
}
