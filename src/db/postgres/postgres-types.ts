/** How spellbook's types map onto PostgreSQL's (names as information_schema and format_type give them). */
import type { FeatureType } from '../../metadata/types.js';
import { formatUtcDateTime } from '../../time/instant.js';
import type { ColumnInfo, DeclaredType, ImportValue, ValueForm } from '../dialect.js';
import { fitsFamily, type TypeFamilies } from '../type-families.js';

const FAMILIES: TypeFamilies = {
  integers: new Set(['smallint', 'integer', 'bigint', 'int2', 'int4', 'int8']),
  decimals: new Set(['numeric', 'decimal']),
  floats: new Set(['real', 'double precision', 'float4', 'float8']),
  texts: new Set(['text', 'character varying', 'character', 'varchar', 'char', 'bpchar', 'citext', 'name', 'uuid']),
  booleans: new Set(['boolean', 'bool']),
  timestamps: new Set(['timestamp without time zone', 'timestamp with time zone', 'timestamp', 'timestamptz']),
};

export function postgresTypeFits(column: ColumnInfo, declared: DeclaredType): boolean {
  return fitsFamily(FAMILIES, column.dbType.replace(/\(.*\)/, '').trim(), column, declared);
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
  return `${formatUtcDateTime(value as number)}+00`;
}

/** timestamp, timestamptz and date come as text (postgres-connection.ts), numeric as its exact text. */
export function postgresValueForm(column: ColumnInfo): ValueForm {
  const t = column.dbType.replace(/\(.*\)/, '').trim();
  if (FAMILIES.timestamps.has(t)) return 'timestamp';
  if (t === 'date') return 'date';
  return FAMILIES.decimals.has(t) ? 'decimal' : 'plain';
}

/** SQLSTATE class 42 is syntax errors and unknown names; 42501 (no privilege) is the database refusing. */
export function postgresRejectsText(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('42') && code !== '42501';
}
