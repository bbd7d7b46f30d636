/**
 * A labels query's values as text, written the way spellbook writes values (SPEC §4, §8):
 * native date-times as ISO 8601 UTC (`2024-03-01T12:00:00.000Z`), dates `YYYY-MM-DD`,
 * numbers in their shortest round-trip form, booleans `true`/`false`, NULL as an empty
 * field. The label columns of a query thus read exactly as those of a CSV file holding
 * the same values, so the same labels give the same training set from either.
 */
import type { ValueForm } from '../db/dialect.js';
import { compareKeyValues } from '../core/keys.js';
import { parseInstant } from '../time/instant.js';

function plain(raw: unknown): string {
  if (raw === null || raw === undefined) return '';
  if (typeof raw === 'string') return raw;
  if (typeof raw === 'number' || typeof raw === 'bigint') return String(raw);
  if (typeof raw === 'boolean') return raw ? 'true' : 'false';
  if (raw instanceof Date) return Number.isNaN(raw.getTime()) ? '' : raw.toISOString();
  if (Buffer.isBuffer(raw)) return raw.toString('utf8');
  return String(raw);
}

/**
 * What a UTC session writes for a date-time: `2024-03-01 12:00:00[.ffffff][+00]`. Trino
 * writes a `timestamp with time zone` in its own zone, and names UTC (`… UTC`) however
 * the value was made: `Z`, `+00:00`, an Iceberg `timestamptz`.
 */
const UTC_TEXT = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?(?:Z|\+00(?::?00)?| UTC)?$/;

/** The shape of `YYYY-MM-DD HH:MM:SS.fff`, a 0 standing for any digit. */
const MILLIS_SHAPE = '0000-00-00 00:00:00.000';

/**
 * Whether `raw` is a date-time with milliseconds, `YYYY-MM-DD HH:MM:SS.fff` (Trino's
 * `timestamp(3)`, the most common label time): its ISO text is then two slices, without
 * the regular expression's match and captures for every label.
 */
function isMillisText(raw: string): boolean {
  if (raw.length !== MILLIS_SHAPE.length) return false;
  for (let i = 0; i < MILLIS_SHAPE.length; i++) {
    const c = raw.charCodeAt(i);
    const shape = MILLIS_SHAPE.charCodeAt(i);
    if (shape === 0x30 ? c < 0x30 || c > 0x39 : c !== shape) return false;
  }
  return true;
}

/** The session's UTC text of a date-time (`2024-03-01 12:00:00.5`, `…+00`) as ISO 8601 UTC; text it cannot read (`infinity`) as is. */
function timestamp(raw: unknown): string {
  if (typeof raw !== 'string') return plain(raw);
  if (isMillisText(raw)) return raw.slice(0, 10) + 'T' + raw.slice(11) + 'Z';
  // The common shape rewritten as text (a million labels would otherwise parse a million
  // dates); the fraction is cut to milliseconds, as parseInstant does.
  const m = UTC_TEXT.exec(raw);
  if (m !== null) return `${m[1]}T${m[2]}.${(m[3] ?? '').padEnd(3, '0').slice(0, 3)}Z`;
  const ms = parseInstant(raw);
  return ms === undefined ? raw : new Date(ms).toISOString();
}

function date(raw: unknown): string {
  const text = plain(raw);
  return /^\d{4}-\d{2}-\d{2}/.test(text) ? text.slice(0, 10) : text;
}

/** An exact decimal's text (`1.50`) as the number spellbook writes (`1.5`), as a float feature would be. */
function decimal(raw: unknown): string {
  if (typeof raw !== 'string') return plain(raw);
  const n = Number(raw);
  return raw.trim() === '' || !Number.isFinite(n) ? raw : String(n);
}

const RENDER: Record<ValueForm, (raw: unknown) => string> = { timestamp, date, decimal, plain };

/** How to write a driver's value of a column whose values arrive in `form`. */
export function labelValueText(form: ValueForm): (raw: unknown) => string {
  return RENDER[form];
}

/**
 * The order of label rows that share a time and keys (SPEC §8: "then the other label
 * columns"): their fields as written, column by column in header order, by code point
 * (UTF-8 bytes), so the order is the same on every engine and whichever strategy ran.
 */
export function compareLabelFields(a: readonly string[], b: readonly string[]): number {
  for (let i = 0; i < a.length; i++) {
    if (a[i] === b[i]) continue;
    return compareKeyValues(a[i]!, b[i]!);
  }
  return 0;
}

/**
 * Takes rows the database has sorted by time and keys, and puts each run of rows that
 * share both in compareLabelFields order: the tail of SPEC §8's order, which no engine can
 * give the same way (collations, NULLs, number and date text differ). Only one run is
 * held; rows leave in batches, synchronously, as they arrive.
 */
export class TieOrder<T> {
  private run: T[] = [];

  constructor(
    private readonly sameRun: (a: T, b: T) => boolean,
    private readonly fields: (row: T) => readonly string[],
  ) {}

  /** Adds the next row; rows whose order is now final are appended to `out`. */
  push(row: T, out: T[]): void {
    if (this.run.length > 0 && !this.sameRun(this.run[0]!, row)) this.flush(out);
    this.run.push(row);
  }

  /** Appends the rows still held (at the end of the rows). */
  flush(out: T[]): void {
    const run = this.run;
    if (run.length > 1) run.sort((a, b) => compareLabelFields(this.fields(a), this.fields(b)));
    for (const row of run) out.push(row);
    this.run = [];
  }
}
