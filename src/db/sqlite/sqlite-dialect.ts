import type { EpochUnit, KeyType } from '../../metadata/types.js';
import { epochComparison, type JsonColumn, type QueryCompiler, type TimeComparison } from '../dialect.js';
import { quoteWith } from '../identifier.js';

/**
 * SQLite has no timestamp type: event times are ISO text, or numbers. The expression
 * branches on the storage class of each value, so a column mixing forms still compares
 * correctly (SPEC §2).
 */
export const sqliteCompiler: QueryCompiler = {
  engine: 'sqlite',
  quoteIdentifier: (name) => quoteWith(name, '"'),
  placeholder: () => '?',
  epochMs(col: string, unit?: EpochUnit): string {
    if (unit === 's') return `CAST(round((${col}) * 1000) AS INTEGER)`;
    if (unit === 'ms') return `CAST(round(${col}) AS INTEGER)`;
    // unixepoch(..., 'subsec') works on SQLite's internal integer milliseconds, so
    // round(x * 1000) is exact; it accepts both ISO forms, offsets and date-only text.
    // Fractions finer than a millisecond are rounded by SQLite's own parser.
    return (
      `(CASE typeof(${col})` +
      ` WHEN 'text' THEN CAST(round(unixepoch(${col}, 'subsec') * 1000) AS INTEGER)` +
      ` WHEN 'integer' THEN ${col}` +
      ` WHEN 'real' THEN CAST(round(${col}) AS INTEGER)` +
      ` END)`
    );
  },
  // The stored value itself; SqliteDriver reads it as epochMs would (sqlite-time.ts).
  scanTime: (col: string) => col,
  timeComparison(col: string, unit?: EpochUnit): TimeComparison {
    // No timestamp type: ISO text in mixed forms only compares right as a number. epochMs
    // is always an INTEGER (or NULL), so whole milliseconds.
    return { ...epochComparison(sqliteCompiler.epochMs(col, unit)), wholeMs: true };
  },
  keyOrder(col: string, type: KeyType): string {
    // BINARY is memcmp on UTF-8, i.e. code-point order, even if the column was declared NOCASE.
    return type === 'int' ? col : `${col} COLLATE BINARY`;
  },
  exactKey(sql: string, type: KeyType): string {
    return type === 'int' ? sql : `${sql} COLLATE BINARY`;
  },
  // NULL sorts below every value, so DESC puts it last.
  descNullsLast: (sql: string) => `${sql} DESC`,
  latestRow: 'bare-max',
  // 17 characters for every 64-bit integer, in the integers' order, and '' (shorter than
  // any of them) for NULL. Within ±(10^15 - 1) ms (±31,000 years, every time SQLite's own
  // date functions read), '1' and the 16 decimal digits of n + 2·10^15, which SQLite
  // writes as text itself, cheaper than printf (export's statement over a million rows
  // 1.90 → 1.68 s, docs/benchmarks.md). Beyond, printf: '2' and 16 hex digits
  // above, '0' and the 16 hex digits of the 64-bit two's complement below, which order
  // negatives among themselves as the numbers (-2 is fff…fe, -1 is fff…ff).
  orderedText: (n: string) =>
    `CASE WHEN ${n} IS NULL THEN '' WHEN ${n} BETWEEN -999999999999999 AND 999999999999999 THEN '1' || (2000000000000000 + ${n})` +
    ` ELSE printf('%d%016x', (${n} >= 0) * 2, ${n}) END`,
  // The range test first: it is the whole cost for the values a double holds exactly
  // (~0.03 s of CPU a million rows), and text or real values pass through unchanged.
  exactInt: (col: string) =>
    `CASE WHEN ${col} BETWEEN -9007199254740991 AND 9007199254740991 THEN ${col} WHEN typeof(${col}) = 'integer' THEN CAST(${col} AS TEXT) ELSE ${col} END`,
  jsonRows(jsonSql: string, alias: string, columns: readonly JsonColumn[]): string {
    const q = sqliteCompiler.quoteIdentifier;
    const cast = { int: 'INTEGER', float: 'REAL', string: 'TEXT' };
    const list = columns.map((c, i) => `CAST(json_extract(${q('j')}.value, '$[${i}]') AS ${cast[c.type]}) AS ${q(c.name)}`);
    return `(SELECT ${list.join(', ')} FROM json_each(${jsonSql}) AS ${q('j')}) AS ${q(alias)}`;
  },
};

