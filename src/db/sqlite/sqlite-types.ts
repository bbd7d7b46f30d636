/**
 * How spellbook's types map onto SQLite's declared column types, which only steer an
 * affinity (https://sqlite.org/datatype3.html §3.1): any value fits any column, so the
 * rules say which declared types make the declared values the natural content.
 */
import type { FeatureType } from '../../metadata/types.js';
import type { ColumnInfo, DeclaredType, ImportValue, ValueForm } from '../dialect.js';

type Affinity = 'integer' | 'text' | 'blob' | 'real' | 'numeric';

/** SQLite's own affinity rules, in their order of precedence. */
export function sqliteAffinity(declared: string): Affinity {
  const t = declared.toUpperCase();
  if (t.includes('INT')) return 'integer';
  if (t.includes('CHAR') || t.includes('CLOB') || t.includes('TEXT')) return 'text';
  if (t.includes('BLOB') || t.trim() === '') return 'blob';
  if (t.includes('REAL') || t.includes('FLOA') || t.includes('DOUB')) return 'real';
  return 'numeric';
}

/** DATE, DATETIME, TIMESTAMP: numeric affinity, but ISO text stays text in them. */
const isTimeName = (t: string): boolean => /DATE|TIME/i.test(t);

export function sqliteTypeFits(column: ColumnInfo, declared: DeclaredType): boolean {
  // No declared type (an untyped column or an expression of a query): SQLite stores
  // whatever was written, so there is nothing to judge from the catalog.
  if (column.dbType.trim() === '') return true;
  const affinity = sqliteAffinity(column.dbType);
  const timeName = isTimeName(column.dbType);
  switch (declared) {
    case 'int':
      return affinity === 'integer' || (affinity === 'numeric' && !timeName);
    case 'float':
    case 'epoch':
      return affinity === 'integer' || affinity === 'real' || (affinity === 'numeric' && !timeName);
    case 'bool':
      return affinity === 'integer' || (affinity === 'numeric' && !timeName);
    case 'string':
      return affinity === 'text' || affinity === 'integer';
    case 'timestamp':
    case 'date':
      return affinity === 'text' || (affinity === 'numeric' && timeName);
  }
}

const DDL: Record<FeatureType, string> = {
  int: 'INTEGER',
  float: 'REAL',
  bool: 'BOOLEAN',
  string: 'TEXT',
  timestamp: 'TEXT',
  date: 'TEXT',
};

export function sqliteColumnType(type: FeatureType): string {
  return DDL[type];
}

export function sqliteBindValue(value: ImportValue, type: FeatureType): unknown {
  if (value === null) return null;
  switch (type) {
    case 'bool':
      return value ? 1 : 0;
    case 'int':
      // Beyond 2^53 the exact digits travel as a BigInt; SQLite stores 64-bit integers.
      return typeof value === 'string' ? BigInt(value) : value;
    case 'timestamp':
      // One ISO form with an explicit Z: what the group's other rows use is unknowable,
      // and epochMs reads every ISO form by instant, not by text.
      return new Date(value as number).toISOString();
    default:
      return value;
  }
}

/** SQLite has no date-time or decimal types: every value is a plain number, text or blob. */
export function sqliteValueForm(): ValueForm {
  return 'plain';
}

/**
 * SQLITE_ERROR is what prepare() reports for a syntax error or an unknown table, column
 * or function; a read-only refusal is SQLITE_READONLY, a busy file SQLITE_BUSY.
 */
export function sqliteRejectsText(err: unknown): boolean {
  return (err as { code?: unknown } | null)?.code === 'SQLITE_ERROR';
}
