/**
 * Parsing one field of an import file against its declared type. Pure: every value of
 * a file is checked with these before anything is written.
 */
import type { ImportValue } from '../db/dialect.js';
import type { EpochUnit, FeatureType } from '../metadata/types.js';
import { parseInstant } from '../time/instant.js';
import { boolFromText } from '../core/values.js';

/** Returned instead of a value when the text does not fit; the caller names file, line and column. */
export const INVALID: unique symbol = Symbol('invalid');
export type Parsed = ImportValue | typeof INVALID;

export type ValueParser = (text: string) => Parsed;

const INT = /^[+-]?\d+$/;
const FLOAT = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** Integers as numbers while exact, beyond that their digits; out of the 64-bit range is invalid. */
export function parseInt64(text: string): Parsed {
  const t = text.trim();
  if (!INT.test(t)) return INVALID;
  const n = Number(t);
  if (Number.isSafeInteger(n)) return n;
  const big = BigInt(t);
  return big < INT64_MIN || big > INT64_MAX ? INVALID : big.toString();
}

export function parseFloatValue(text: string): Parsed {
  const t = text.trim();
  // Number('') is 0 and Number('0x1f') is 31: only decimal notation is a float here.
  if (!FLOAT.test(t)) return INVALID;
  const n = Number(t);
  return Number.isFinite(n) ? n : INVALID;
}

/** The spellings spellbook reads as booleans from a database (core/values.ts). */
export function parseBool(text: string): Parsed {
  return boolFromText(text) ?? INVALID;
}

export function parseDateValue(text: string): Parsed {
  const t = text.trim();
  const m = DATE.exec(t);
  if (!m) return INVALID;
  return parseInstant(t) === undefined ? INVALID : t;
}

/**
 * A timestamp as epoch ms: ISO 8601 with an optional offset (naive = UTC). Where the
 * column holds integer epochs, a bare integer is read as an epoch in that unit too, and
 * an instant must be whole in the unit, since the column cannot hold a fraction.
 */
export function parseTimestamp(text: string, unit?: EpochUnit): Parsed {
  const t = text.trim();
  if (unit !== undefined && INT.test(t)) {
    const n = Number(t);
    if (!Number.isSafeInteger(n)) return INVALID;
    return unit === 's' ? n * 1000 : n;
  }
  const ms = parseInstant(t);
  if (ms === undefined) return INVALID;
  if (unit === 's' && ms % 1000 !== 0) return INVALID;
  return ms;
}

/** The phrase after `is not`: `"abc" is not a float`. */
export function typePhrase(type: FeatureType, unit?: EpochUnit): string {
  switch (type) {
    case 'int':
      return 'an int';
    case 'float':
      return 'a float';
    case 'bool':
      return 'a bool (true/false, t/f, 1/0, yes/no)';
    case 'string':
      return 'a string';
    case 'timestamp':
      if (unit === 's') return 'a timestamp in whole seconds (ISO 8601 or an epoch in s)';
      if (unit === 'ms') return 'a timestamp (ISO 8601 or an epoch in ms)';
      return 'a timestamp (ISO 8601 like 2024-03-01T12:00:00Z)';
    case 'date':
      return 'a date (YYYY-MM-DD)';
  }
}

/**
 * The parser of a declared type. An empty field is NULL; for non-strings a field of
 * spaces is empty too, and surrounding spaces are ignored, as pandas does.
 */
export function valueParser(type: FeatureType, unit?: EpochUnit): ValueParser {
  const nullable = (parse: ValueParser): ValueParser => (text) => (text.trim() === '' ? null : parse(text));
  switch (type) {
    case 'int':
      return nullable(parseInt64);
    case 'float':
      return nullable(parseFloatValue);
    case 'bool':
      return nullable(parseBool);
    case 'string':
      return (text) => (text === '' ? null : text);
    case 'timestamp':
      return nullable((text) => parseTimestamp(text, unit));
    case 'date':
      return nullable(parseDateValue);
  }
}
