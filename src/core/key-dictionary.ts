/**
 * Dense numbers for the distinct keys of one entity in a labels file, so the merge can
 * index typed arrays by key. Single-column keys use the value itself as the Map key
 * (one entity's key has one type, so 1 and '1' never meet); composite keys use keyId.
 *
 * The scan looks up every row's key: a million Map lookups cost about a second. Int keys
 * in a range not much wider than their count (ids, the usual case) are looked up in a
 * typed array indexed by value instead, built once the labels are all added.
 *
 * Memory grows with the keys, and a join of 10M labels has 1M of them: a single-column
 * key is kept as its bare value (8 bytes), not a one-element tuple (~56 bytes), and the
 * Map is dropped once the typed array answers every lookup (another ~28 bytes a key).
 */
import { keyId, type KeyTuple, type KeyValue } from './keys.js';

/** A dictionary's look-ups as another thread receives them (KeyDictionary.forThread). */
export type KeysForThread =
  | { readonly width: number; readonly dense: { readonly min: number; readonly ids: Int32Array } }
  | { readonly width: number; readonly entries: readonly (KeyValue | KeyTuple)[] };

export class KeyDictionary {
  /** Number of each key; undefined while the dense table stands in for it (see lookupValue). */
  private ids: Map<string | number, number> | undefined = new Map();
  /** Key i: its value (one column) or its tuple (several). */
  private readonly entries: (KeyValue | KeyTuple)[] = [];
  /** id of int key `min + i` at i (-1: no such key); built on the first lookup, dropped by add. */
  private dense: { min: number; ids: Int32Array } | null | undefined;

  constructor(private readonly width: number) {}

  /** The dictionary whose key i is keys[i] (another thread's copy of one). */
  static fromKeys(width: number, keys: readonly KeyTuple[]): KeyDictionary {
    const dictionary = new KeyDictionary(width);
    for (const key of keys) dictionary.add(key);
    dictionary.doneAdding();
    return dictionary;
  }

  /**
   * The dictionary of the keys in number order, as forThread sends them: a one-column key
   * as its bare value, which a message copies far more cheaply than as a one-element array
   * (100k of them at scale 1). A one-column dictionary builds no Map from them: its first
   * look-up builds the dense table where the keys allow, and the Map only where they do
   * not (100k Map inserts were ~0.1-0.2 s of a merge worker's start on the join's
   * critical path).
   */
  static fromEntries(width: number, entries: readonly (KeyValue | KeyTuple)[]): KeyDictionary {
    if (width !== 1) return KeyDictionary.fromKeys(width, entries as readonly KeyTuple[]);
    const dictionary = new KeyDictionary(1);
    for (const entry of entries) dictionary.entries.push(entry);
    dictionary.ids = undefined;
    return dictionary;
  }

  /**
   * What another thread needs to look keys up (fromThread): the dense table where there
   * is one, on shared memory, so nothing is copied (at 1M keys, a copy of the keys and
   * the Map built from them were ~60 MB of the worker's heap); otherwise the keys in
   * number order as they are held (bare values for a single-column key).
   */
  forThread(): KeysForThread {
    const dense = this.dense === undefined ? this.denseTable() : this.dense;
    return dense !== null ? { width: this.width, dense } : { width: this.width, entries: this.entries };
  }

  /**
   * A dictionary that finds the same numbers for the same keys as forThread's: over the
   * shared dense table it answers look-ups only (no key(), tuples() or size).
   */
  static fromThread(keys: KeysForThread): KeyDictionary {
    if (!('dense' in keys)) return KeyDictionary.fromEntries(keys.width, keys.entries);
    const dictionary = new KeyDictionary(keys.width);
    dictionary.dense = keys.dense;
    dictionary.ids = undefined;
    return dictionary;
  }

  /** Key number i as a tuple. */
  key(i: number): KeyTuple {
    const entry = this.entries[i]!;
    return this.width === 1 ? [entry as KeyValue] : (entry as KeyTuple);
  }

  /** Every key as a tuple, in number order (a new array: to hand the keys to another thread). */
  tuples(): KeyTuple[] {
    return this.entries.map((_, i) => this.key(i));
  }

  /** The key's number, adding it if new. */
  add(key: KeyTuple): number {
    if (this.width === 1) return this.addValue(key[0]!);
    const ids = this.map();
    const k = keyId(key);
    let id = ids.get(k);
    if (id === undefined) {
      id = this.append(key);
      ids.set(k, id);
    }
    return id;
  }

  /** `add` for a single-column key given as its value (no tuple built). */
  addValue(value: KeyValue): number {
    // A small non-negative int key (an id, nearly always) is found by its value in `seen`
    // first: the Map look-up, a cache miss among 100k keys, was a quarter of reading 1M
    // labels. A key `seen` holds is not put in the Map as well: the Map is then only the
    // other keys' until it is wanted whole (map()), and mostly never is (the dense table
    // answers the look-ups). At 100k keys its inserts were ~0.07 s of the main thread's
    // reading of the labels, before any scan could merge.
    if (isSmallInt(value)) {
      const seen = value < this.seen.length ? this.seen : this.seenFor(value);
      if (seen !== undefined) {
        const known = seen[value]!;
        if (known > 0) return known - 1;
        const id = this.append(value);
        seen[value] = id + 1;
        return id;
      }
    }
    return this.addNew(value);
  }

  /** A key `seen` cannot hold: found in, or added to, the Map, which holds every such key. */
  private addNew(value: KeyValue): number {
    const ids = this.ids ?? this.map();
    let id = ids.get(value);
    if (id === undefined) {
      id = this.append(value);
      ids.set(value, id);
    }
    return id;
  }

  /** A new key's number: the next; the dense table, built for the keys before it, no longer stands. */
  private append(key: KeyValue | KeyTuple): number {
    this.entries.push(key);
    this.dense = undefined;
    return this.entries.length - 1;
  }

  /**
   * addValue's table, id + 1 by value (0: no such key), grown to hold `value` while it
   * stays within 4 entries a key. It holds every key within its length: each growth puts
   * in the keys added so far (the Map's too, taken before the table reached them).
   */
  private seen = new Int32Array(0);

  private seenFor(value: number): Int32Array | undefined {
    if (value >= Math.max(4 * this.entries.length, 1 << 16) || value >= 1 << 22) return undefined;
    const grown = new Int32Array(Math.min(Math.max(2 * this.seen.length, value + 1, 1 << 12), 1 << 22));
    const { entries } = this;
    for (let id = 0; id < entries.length; id++) {
      const k = entries[id];
      if (isSmallInt(k) && k < grown.length) grown[k] = id + 1;
    }
    return (this.seen = grown);
  }

  /** Drops addValue's table (once every key is added: it is not needed for look-ups). */
  doneAdding(): void {
    this.seen = new Int32Array(0);
  }

  /** The key's number, or -1 when no label has it. */
  lookup(key: KeyTuple): number {
    if (this.width === 1) return this.lookupValue(key[0]!);
    return this.map().get(keyId(key)) ?? -1;
  }

  /** Lookup of a single-column key value without building a tuple (the scan's hot path). */
  lookupValue(value: string | number): number {
    const dense = this.dense === undefined ? this.denseTable() : this.dense;
    if (dense !== null) {
      // Every key is an int: no other value is one.
      if (typeof value !== 'number') return -1;
      const i = value - dense.min;
      return i >= 0 && i < dense.ids.length ? (dense.ids[i] ?? -1) : -1; // a fraction is no key
    }
    return this.map().get(value) ?? -1;
  }

  /**
   * The Map of every key to its number, rebuilt when the dense table replaced it or when
   * it holds fewer keys than there are (those only `seen` holds: addValue).
   */
  private map(): Map<string | number, number> {
    if (this.ids === undefined || this.ids.size < this.entries.length) {
      const ids = (this.ids = new Map());
      this.entries.forEach((entry, id) => ids.set(entry as KeyValue, id));
      this.dense = undefined;
    }
    return this.ids;
  }

  /**
   * The typed-array table for single-column int keys spanning at most 4 values per key
   * (and 16M in all, 64 MB at most), which then replaces the Map; null where it does not apply.
   */
  private denseTable(): { min: number; ids: Int32Array } | null {
    this.dense = null;
    if (this.width !== 1 || this.entries.length === 0) return null;
    let min = Infinity, max = -Infinity;
    for (const k of this.entries) {
      if (typeof k !== 'number') return null;
      if (k < min) min = k;
      if (k > max) max = k;
    }
    const span = max - min + 1;
    if (span > Math.max(4 * this.entries.length, 1024) || span > 1 << 24) return null;
    // Shared memory: a worker thread looks keys up in this very table (forThread).
    const ids = new Int32Array(new SharedArrayBuffer(4 * span)).fill(-1);
    this.entries.forEach((k, id) => (ids[(k as number) - min] = id));
    this.ids = undefined;
    return (this.dense = { min, ids });
  }

  get size(): number {
    return this.entries.length;
  }
}

/** A key addValue's table can hold: a non-negative int within V8's small integers. */
function isSmallInt(value: unknown): value is number {
  return typeof value === 'number' && value >= 0 && value <= 0x3fffffff && (value | 0) === value;
}
