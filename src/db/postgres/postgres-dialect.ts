import type { EpochUnit, KeyType } from '../../metadata/types.js';
import { epochComparison, type JsonColumn, type QueryCompiler, type TimeComparison } from '../dialect.js';
import { quoteWith } from '../identifier.js';

export const postgresCompiler: QueryCompiler = {
  engine: 'postgres',
  quoteIdentifier: (name) => quoteWith(name, '"'),
  placeholder: (index) => `$${index}`,
  epochMs(col: string, unit?: EpochUnit): string {
    // numeric arithmetic keeps it exact; float8 so pg hands back a JS number, not text.
    if (unit === 's') return `floor((${col})::numeric * 1000)::float8`;
    if (unit === 'ms') return `floor((${col})::numeric)::float8`;
    // Every session runs with TimeZone = UTC (see postgres-connection.ts), so the cast
    // reads a naive timestamp or a date as UTC and leaves timestamptz unchanged; it also
    // accepts ISO text. extract(epoch) is numeric since PostgreSQL 14: no float error.
    return `floor(extract(epoch from (${col})::timestamptz) * 1000)::float8`;
  },
  scanTime: (col: string) => `extract(epoch from (${col})::timestamptz)`,
  timeComparison(col: string, unit?: EpochUnit): TimeComparison {
    if (unit) return epochComparison(postgresCompiler.epochMs(col, unit), (p) => `CAST(${p} AS float8)`);
    // timestamp, timestamptz, date and ISO text all compare as timestamptz in a UTC session.
    return {
      column: `CAST(${col} AS timestamptz)`,
      instant: (p) => `CAST(${p} AS timestamptz)`,
      instantValue: (ms) => new Date(ms).toISOString(),
    };
  },
  keyOrder(col: string, type: KeyType): string {
    // "C" compares bytes; on a UTF-8 database that is code-point order.
    return type === 'int' ? col : `(${col})::text COLLATE "C"`;
  },
  exactKey(sql: string, type: KeyType): string {
    // Deterministic collations already compare bytes, but an ICU nondeterministic one would not.
    return type === 'int' ? sql : `(${sql})::text COLLATE "C"`;
  },
  // NULL sorts above every value: DESC alone would put it first.
  descNullsLast: (sql: string) => `${sql} DESC NULLS LAST`,
  latestRow: 'distinct-on',
  jsonRows(jsonSql: string, alias: string, columns: readonly JsonColumn[]): string {
    const q = postgresCompiler.quoteIdentifier;
    const cast = { int: '::int8', float: '::float8', string: '' };
    const list = columns.map((c, i) => `(${q('j')}.e ->> ${i})${cast[c.type]} AS ${q(c.name)}`);
    return `(SELECT ${list.join(', ')} FROM jsonb_array_elements((${jsonSql})::jsonb) AS ${q('j')}(e)) AS ${q(alias)}`;
  },
  arrayRows(arraySql: readonly string[], alias: string, columns: readonly JsonColumn[]): string {
    const q = postgresCompiler.quoteIdentifier;
    const type = { int: 'int8[]', float: 'float8[]', string: 'text[]' };
    // Multi-argument unnest zips the arrays into rows; pg sends a JS array as an array literal.
    const arrays = columns.map((c, i) => `(${arraySql[i]})::${type[c.type]}`);
    return `unnest(${arrays.join(', ')}) AS ${q(alias)}(${columns.map((c) => q(c.name)).join(', ')})`;
  },
};

