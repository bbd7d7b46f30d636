/**
 * Feature values as the library hands them out, whatever the driver returned: drivers
 * disagree (PostgreSQL bigint and numeric as text, SQLite booleans as 0/1, MariaDB BIT as
 * a Buffer), so every value is normalised once, by its declared type.
 */
import { SpellbookError } from '../errors.js';
import type { Feature, FeatureType, Group, KeyType } from '../metadata/types.js';

/** int → number (bigint beyond 2^53), float → number, bool → boolean, timestamp → Date, date → 'YYYY-MM-DD'. */
export type Value = string | number | bigint | boolean | Date | null;

/**
 * The one type rule, the same for every output format (and the library): a value its
 * declared type cannot hold — "frozen" from a column declared int, 2.5 for an int, "abc"
 * for a float — is an error, never passed through as text nor turned into NULL. Thrown
 * by normaliseValue; `featureValue` names the group, feature and column.
 */
export class ValueTypeMismatch extends Error {
  constructor(
    readonly raw: unknown,
    readonly type: FeatureType,
  ) {
    super(`${shownValue(raw)} is not ${withArticle(type)}`);
  }
}

/** `an int`, `a float`: the type with its article, as messages say it. */
export function withArticle(type: FeatureType): string {
  return `${type === 'int' ? 'an' : 'a'} ${type}`;
}

/** A raw value as a message quotes it: text in JSON quotes (cut at 60 characters), numbers as written. */
export function shownValue(raw: unknown): string {
  if (typeof raw === 'string') return JSON.stringify(raw.length > 60 ? `${raw.slice(0, 57)}…` : raw);
  if (Buffer.isBuffer(raw)) return `0x${raw.toString('hex').slice(0, 40)}`;
  if (raw instanceof Date) return Number.isNaN(raw.getTime()) ? 'an invalid date' : raw.toISOString();
  return String(raw);
}

function toInt(raw: unknown): Value {
  if (typeof raw === 'number') {
    if (Number.isInteger(raw)) return raw;
    throw new ValueTypeMismatch(raw, 'int');
  }
  if (typeof raw === 'bigint') return Number.isSafeInteger(Number(raw)) ? Number(raw) : raw;
  const text = typeof raw === 'string' ? raw.trim() : Buffer.isBuffer(raw) ? '' : String(raw);
  if (/^[+-]?\d+$/.test(text)) {
    const n = Number(text);
    return Number.isSafeInteger(n) ? n : BigInt(text);
  }
  // Decimal text of a whole number ("12.00" from a numeric column) is that integer.
  const n = text === '' ? NaN : Number(text);
  if (Number.isInteger(n) && Number.isSafeInteger(n)) return n;
  throw new ValueTypeMismatch(raw, 'int');
}

function toFloat(raw: unknown): Value {
  if (typeof raw === 'number') return raw;
  if (typeof raw === 'bigint') return Number(raw);
  const text = typeof raw === 'string' ? raw.trim() : '';
  const n = text === '' ? NaN : Number(text);
  // The engines' own spellings of the IEEE specials are floats too.
  if (!Number.isNaN(n) || /^nan$/i.test(text)) return n;
  throw new ValueTypeMismatch(raw, 'float');
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
  const b = boolFromText(String(raw));
  if (b !== undefined) return b;
  throw new ValueTypeMismatch(raw, 'bool');
}

function toTimestamp(raw: unknown): Value {
  // Selected through the dialect's epochMs(), so this is a number of ms (or its text).
  const date = raw instanceof Date ? raw : new Date(typeof raw === 'number' ? raw : typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : NaN);
  if (Number.isNaN(date.getTime())) throw new ValueTypeMismatch(raw, 'timestamp');
  return date;
}

function toDate(raw: unknown): Value {
  if (raw instanceof Date && !Number.isNaN(raw.getTime())) return raw.toISOString().slice(0, 10);
  if (typeof raw === 'number' && Number.isFinite(raw)) return new Date(raw).toISOString().slice(0, 10);
  const text = typeof raw === 'string' ? raw : '';
  if (/^\d{4}-\d{2}-\d{2}/.test(text) && !Number.isNaN(Date.parse(`${text.slice(0, 10)}T00:00:00Z`))) return text.slice(0, 10);
  throw new ValueTypeMismatch(raw, 'date');
}

/** A driver's value as its declared type; throws ValueTypeMismatch when the type cannot hold it. */
export function normaliseValue(raw: unknown, type: FeatureType): Value {
  if (raw === null || raw === undefined) return null;
  switch (type) {
    case 'int':
      return toInt(raw);
    case 'float':
      return toFloat(raw);
    case 'bool':
      return toBool(raw);
    case 'string':
      return typeof raw === 'string' ? raw : Buffer.isBuffer(raw) ? raw.toString('utf8') : raw instanceof Date ? raw.toISOString() : String(raw);
    case 'timestamp':
      return toTimestamp(raw);
    case 'date':
      return toDate(raw);
  }
}

/**
 * A feature's value from its group's row, by the type rule above; a mismatch is an error
 * naming the group, feature, table/column and value (exit 1: the database's contents, not
 * a file the user passed, are at fault).
 */
export function featureValue(raw: unknown, group: Group, feature: Feature): Value {
  try {
    return normaliseValue(raw, feature.type);
  } catch (err) {
    if (!(err instanceof ValueTypeMismatch)) throw err;
    const table = group.source.kind === 'table' ? group.source.table : undefined;
    const where = table === undefined ? `column ${feature.column} of the group's query` : `column ${table}.${feature.column}`;
    throw new SpellbookError(
      'TYPE_MISMATCH',
      `group ${group.name}, feature ${feature.name}: ${shownValue(err.raw)} in ${where} is not ${withArticle(feature.type)}, the feature's declared type (spellbook validate checks the column types)`,
      { group: group.name, feature: feature.name, table, column: feature.column, value: typeof err.raw === 'string' ? err.raw : shownValue(err.raw) },
    );
  }
}

/** Key values in output: what `normaliseKeyValue` produced, typed as the entity says. */
export function keyValueType(type: KeyType): FeatureType {
  return type === 'int' ? 'int' : 'string';
}
