import type { EpochUnit, KeyType } from '../../metadata/types.js';
import { epochComparison, type GreatestRow, type JsonColumn, type QueryCompiler, type TimeComparison } from '../dialect.js';
import { quoteWith } from '../identifier.js';

/**
 * Stored times compare at timestamp(12) with time zone, Trino's finest: widening any
 * timestamp(p), with or without zone, or a date, to it is exact, so a stored microsecond
 * never rounds across a label's millisecond. Every session runs in UTC (the driver sends
 * X-Trino-Time-Zone), so a naive timestamp, a date or text without an offset means UTC.
 *
 * Text holds SPEC §2's forms (`YYYY-MM-DD HH:MM:SS`, `YYYY-MM-DDTHH:MM:SS[.sss][Z|±HH:MM]`).
 * Trino's cast reads the space form (with a zone or offset too) but not the `T`, which
 * from_iso8601_timestamp_nanos reads. The expression must type-check whatever the column's
 * type, which the SQL is written without knowing: the cast is tried first (a native time
 * always casts, so the second branch costs a timestamp column nothing), and only text it
 * cannot read goes through CAST(… AS varchar) to the ISO parser, which fails the query on
 * text that is no time at all instead of reading it as NULL.
 */
const instant = (col: string) =>
  `coalesce(try_cast(${col} AS timestamp(12) with time zone), from_iso8601_timestamp_nanos(CAST(${col} AS varchar)))`;

/**
 * A native timestamp of at most millisecond precision, with or without a zone: it holds a
 * whole number of milliseconds, which date_diff counts exactly from the epoch (a naive one
 * as UTC, as the session's zone says). Skipping `instant`'s widening to timestamp(12) with
 * time zone — an object per value — was most of the cluster's extra CPU for a labels query's
 * times, which the join statement computes once per use of the labels (docs/benchmarks.md).
 */
const MILLISECOND_TIMESTAMP = /^timestamp\([0-3]\)( with time zone)?$/;

/** Whether `storedType` is such a timestamp, and whether it carries a zone. */
function millisecondTimestamp(storedType: string | undefined): 'naive' | 'zoned' | undefined {
  const m = storedType === undefined ? null : MILLISECOND_TIMESTAMP.exec(storedType);
  return m === null ? undefined : m[1] ? 'zoned' : 'naive';
}

export const trinoCompiler: QueryCompiler = {
  engine: 'trino',
  quoteIdentifier: (name) => quoteWith(name, '"'),
  placeholder: () => '?',
  epochMs(col: string, unit?: EpochUnit, storedType?: string): string {
    // decimal keeps an epoch exact through the multiplication; double so the protocol
    // hands back a JSON number, as bigint beyond 2^53 would lose digits in JSON.parse.
    if (unit === 's') return `CAST(floor(CAST(${col} AS decimal(38, 6)) * 1000) AS double)`;
    if (unit === 'ms') return `CAST(floor(CAST(${col} AS decimal(38, 6))) AS double)`;
    const typed = millisecondTimestamp(storedType);
    if (typed) return `CAST(date_diff('millisecond', TIMESTAMP '1970-01-01 00:00:00${typed === 'zoned' ? ' UTC' : ''}', ${col}) AS double)`;
    // Whole seconds through to_unixtime (exact in a double), then the millisecond of the
    // second: floor(), for instants before 1970 as after.
    const t = instant(col);
    return `(to_unixtime(date_trunc('second', ${t})) * 1000 + millisecond(${t}))`;
  },
  // A naive timestamp's text (`2024-03-01 12:00:00.123`) is UTC's; a zoned one may name a
  // zone (`Europe/Paris`), which Node cannot read back exactly.
  labelTimeFromField: (storedType) => millisecondTimestamp(storedType) === 'naive',
  timeComparison(col: string, unit?: EpochUnit): TimeComparison {
    if (unit) return epochComparison(trinoCompiler.epochMs(col, unit), (p) => `CAST(${p} AS double)`);
    return {
      column: instant(col),
      instant: (p) => `CAST(${p} AS timestamp(3) with time zone)`,
      instantValue: (ms) => `${new Date(ms).toISOString().replace('T', ' ').replace('Z', '')} UTC`,
    };
  },
  // varchar compares by code point in Trino (UTF-8 bytes), and = is byte equality: no
  // collation to see through.
  keyOrder: (col: string, _type: KeyType) => col,
  exactKey: (sql: string, _type: KeyType) => sql,
  descNullsLast: (sql: string) => `${sql} DESC NULLS LAST`,
  selectsSortTerms: true,
  jsonRows(jsonSql: string, alias: string, columns: readonly JsonColumn[]): string {
    const q = trinoCompiler.quoteIdentifier;
    const types = { int: 'bigint', float: 'double', string: 'varchar' };
    const row = columns.map((c) => types[c.type]).join(', ');
    const names = columns.map((c) => q(c.name)).join(', ');
    return `(SELECT * FROM UNNEST(CAST(json_parse(${jsonSql}) AS array(row(${row})))) AS ${q('j')}(${names})) AS ${q(alias)}`;
  },
  // max_by keeps its value as it is, NULL included (only a NULL key is skipped, and no
  // priority term is NULL), so a winning row's NULL stays NULL (SPEC §2). Several values
  // travel as one ROW, so a tie on the key cannot mix two rows' values.
  greatestRow(values: readonly string[], priority: readonly string[]): GreatestRow {
    const value = values.length === 1 ? values[0]! : `ROW(${values.join(', ')})`;
    const key = priority.length === 1 ? priority[0]! : `ROW(${priority.join(', ')})`;
    return {
      aggregate: priority.length === 0 ? `arbitrary(${value})` : `max_by(${value}, ${key})`,
      field: (result, i) => (values.length === 1 ? result : `${result}[${i + 1}]`),
    };
  },
};

