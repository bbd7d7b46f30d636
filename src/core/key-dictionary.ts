/**
 * Dense numbers for the distinct keys of one entity in a labels file, so the merge can
 * index typed arrays by key. Single-column keys use the value itself as the Map key
 * (one entity's key has one type, so 1 and '1' never meet); composite keys use keyId.
 */
import { keyId, type KeyTuple } from './keys.js';

export class KeyDictionary {
  private readonly ids = new Map<string | number, number>();
  readonly keys: KeyTuple[] = [];

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
    }
    return id;
  }

  /** The key's number, or -1 when no label has it. */
  lookup(key: KeyTuple): number {
    return this.ids.get(this.mapKey(key)) ?? -1;
  }

  /** Lookup of a single-column key value without building a tuple (the scan's hot path). */
  lookupValue(value: string | number): number {
    return this.ids.get(value) ?? -1;
  }

  get size(): number {
    return this.keys.length;
  }
}
