/**
 * Entity keys in Node. A key is a tuple with one value per key column; int keys are
 * JS numbers (safe integers), string keys are strings. Keys are compared and hashed
 * as tuples, column by column, so (1, 12) and (11, 2) never meet (SPEC §2).
 */
import type { KeyType } from '../metadata/types.js';

export type KeyValue = string | number;
export type KeyTuple = readonly KeyValue[];

/**
 * Normalises a key value from a driver or a file to its canonical form, or returns
 * undefined when it does not fit the type (NULL, empty, not an integer).
 * Drivers differ: PostgreSQL bigint arrives as text, SQLite may store an int key of a
 * string-typed entity as INTEGER, CSV brings everything as text.
 */
export function normaliseKeyValue(raw: unknown, type: KeyType): KeyValue | undefined {
  if (raw === null || raw === undefined) return undefined;
  if (type === 'string') {
    if (typeof raw === 'string') return raw;
    if (typeof raw === 'number' || typeof raw === 'bigint') return String(raw);
    if (Buffer.isBuffer(raw)) return raw.toString('utf8');
    return String(raw);
  }
  if (typeof raw === 'number') return Number.isSafeInteger(raw) ? raw : undefined;
  if (typeof raw === 'bigint') {
    const n = Number(raw);
    return Number.isSafeInteger(n) ? n : undefined;
  }
  if (typeof raw === 'string') {
    const t = raw.trim();
    if (!/^[+-]?\d+$/.test(t)) return undefined;
    const n = Number(t);
    return Number.isSafeInteger(n) ? n : undefined;
  }
  return undefined;
}

/** A string that identifies a key tuple exactly, for Map lookups. */
export function keyId(key: KeyTuple): string {
  return key.length === 1 && typeof key[0] === 'string' ? `s${key[0]}` : JSON.stringify(key);
}

/** Code-point order for strings (what binary collations give for UTF-8), numeric for ints. */
export function compareKeyValues(a: KeyValue, b: KeyValue): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  const sa = String(a), sb = String(b);
  if (sa === sb) return 0;
  // UTF-16 code-unit order differs from code-point order only around surrogates;
  // Buffer.compare on UTF-8 gives code-point order, matching binary collations.
  return Buffer.compare(Buffer.from(sa, 'utf8'), Buffer.from(sb, 'utf8'));
}

export function compareKeys(a: KeyTuple, b: KeyTuple): number {
  for (let i = 0; i < a.length; i++) {
    const c = compareKeyValues(a[i]!, b[i]!);
    if (c !== 0) return c;
  }
  return 0;
}
