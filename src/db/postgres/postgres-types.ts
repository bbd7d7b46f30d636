/** How spellbook's types map onto PostgreSQL's (names as information_schema and format_type give them). */
import type { FeatureType } from '../../metadata/types.js';
import type { ColumnInfo, DeclaredType, ImportValue } from '../dialect.js';

const INTEGERS = new Set(['smallint', 'integer', 'bigint', 'int2', 'int4', 'int8']);
const DECIMALS = new Set(['numeric', 'decimal']);
const FLOATS = new Set(['real', 'double precision', 'float4', 'float8']);
const TEXTS = new Set(['text', 'character varying', 'character', 'varchar', 'char', 'bpchar', 'citext', 'name', 'uuid']);
const TIMESTAMPS = new Set(['timestamp without time zone', 'timestamp with time zone', 'timestamp', 'timestamptz']);

export function postgresTypeFits(column: ColumnInfo, declared: DeclaredType): boolean {
  const t = column.dbType.replace(/\(.*\)/, '').trim();
  switch (declared) {
    case 'int':
      // numeric of a query has no known scale; a table's numeric(p, 0) holds integers.
      return INTEGERS.has(t) || (DECIMALS.has(t) && (column.scale === undefined || column.scale === 0));
    case 'float':
    case 'epoch':
      return INTEGERS.has(t) || DECIMALS.has(t) || FLOATS.has(t);
    case 'bool':
      return t === 'boolean' || t === 'bool';
    case 'string':
      return TEXTS.has(t) || INTEGERS.has(t);
    case 'timestamp':
      return TIMESTAMPS.has(t) || t === 'date';
    case 'date':
      return t === 'date' || TIMESTAMPS.has(t);
  }
}

const DDL: Record<FeatureType, string> = {
  int: 'bigint',
  float: 'double precision',
  bool: 'boolean',
  string: 'text',
  timestamp: 'timestamp with time zone',
  date: 'date',
};

export function postgresColumnType(type: FeatureType): string {
  return DDL[type];
}

/** `2024-03-01 12:00:00.000+00`: an explicit UTC instant for timestamptz; timestamp ignores the offset and keeps the UTC wall time. */
export function postgresBindValue(value: ImportValue, type: FeatureType): unknown {
  if (value === null || type !== 'timestamp') return value;
  return `${new Date(value as number).toISOString().replace('T', ' ').slice(0, 23)}+00`;
}
