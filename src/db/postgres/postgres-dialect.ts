import type { EpochUnit, KeyType } from '../../metadata/types.js';
import type { SqlDialect } from '../dialect.js';
import { quoteWith } from '../identifier.js';

export const postgresDialect: SqlDialect = {
  engine: 'postgres',
  maxParameters: 65535,
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
  keyOrder(col: string, type: KeyType): string {
    // "C" compares bytes; on a UTF-8 database that is code-point order.
    return type === 'int' ? col : `(${col})::text COLLATE "C"`;
  },
};
