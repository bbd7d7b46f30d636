/**
 * Feature values as the library hands them out, whatever the driver returned: drivers
 * disagree (PostgreSQL bigint and numeric as text, SQLite booleans as 0/1, MariaDB BIT as
 * a Buffer), so every value is normalised once, by its declared type.
 */
import type { FeatureType, KeyType } from '../metadata/types.js';

/** int → number (bigint beyond 2^53), float → number, bool → boolean, timestamp → Date, date → 'YYYY-MM-DD'. */
export type Value = string | number | bigint | boolean | Date | null;

function toInt(raw: unknown): Value {
  if (typeof raw === 'number') return Number.isInteger(raw) ? raw : Math.trunc(raw);
  if (typeof raw === 'bigint') return Number.isSafeInteger(Number(raw)) ? Number(raw) : raw;
  const text = String(raw).trim();
  if (/^[+-]?\d+$/.test(text)) {
    const n = Number(text);
    return Number.isSafeInteger(n) ? n : BigInt(text);
  }
  const n = Number(text);
  return Number.isFinite(n) ? Math.trunc(n) : text;
}

const TRUE = new Set(['true', 't', '1', 'yes', 'y']);
const FALSE = new Set(['false', 'f', '0', 'no', 'n']);

/** The spellings spellbook reads as booleans, in a database column or an import file, case-insensitive; undefined for any other text. */
export function boolFromText(text: string): boolean | undefined {
  const t = text.trim().toLowerCase();
  return TRUE.has(t) ? true : FALSE.has(t) ? false : undefined;
}

function toBool(raw: unknown): Value {
  if (typeof raw === 'boolean') return raw;
  if (typeof raw === 'number' || typeof raw === 'bigint') return Number(raw) !== 0;
  if (Buffer.isBuffer(raw)) return raw.some((b) => b !== 0);
  return boolFromText(String(raw)) ?? String(raw).trim().toLowerCase();
}

function toDate(raw: unknown): Value {
  if (raw instanceof Date) return raw.toISOString().slice(0, 10);
  if (typeof raw === 'number') return new Date(raw).toISOString().slice(0, 10);
  const text = String(raw);
  return /^\d{4}-\d{2}-\d{2}/.test(text) ? text.slice(0, 10) : text;
}

export function normaliseValue(raw: unknown, type: FeatureType): Value {
  if (raw === null || raw === undefined) return null;
  switch (type) {
    case 'int':
      return toInt(raw);
    case 'float':
      return typeof raw === 'number' ? raw : Number(raw);
    case 'bool':
      return toBool(raw);
    case 'string':
      return typeof raw === 'string' ? raw : Buffer.isBuffer(raw) ? raw.toString('utf8') : raw instanceof Date ? raw.toISOString() : String(raw);
    case 'timestamp':
      // Selected through the dialect's epochMs(), so this is a number of ms (or its text).
      return raw instanceof Date ? raw : new Date(typeof raw === 'number' ? raw : Number(raw));
    case 'date':
      return toDate(raw);
  }
}

/** Key values in output: what `normaliseKeyValue` produced, typed as the entity says. */
export function keyValueType(type: KeyType): FeatureType {
  return type === 'int' ? 'int' : 'string';
}
