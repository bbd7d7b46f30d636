/** How spellbook's types map onto Trino's (names as information_schema and the protocol give them). */
import type { FeatureType } from '../../metadata/types.js';
import { SpellbookError } from '../../errors.js';
import type { ColumnInfo, DeclaredType, ImportValue, ValueForm } from '../dialect.js';
import { fitsFamily, type TypeFamilies } from '../type-families.js';

const FAMILIES: TypeFamilies = {
  integers: new Set(['tinyint', 'smallint', 'integer', 'bigint']),
  decimals: new Set(['decimal']),
  floats: new Set(['real', 'double']),
  texts: new Set(['varchar', 'char', 'uuid']),
  booleans: new Set(['boolean']),
  timestamps: new Set(['timestamp', 'timestamp with time zone']),
};

/** `timestamp(6) with time zone` → `timestamp with time zone`, `decimal(10,2)` → `decimal`. */
export function trinoBaseType(dbType: string): string {
  return dbType.replace(/\(.*?\)/g, '').replace(/\s+/g, ' ').trim();
}

export function trinoTypeFits(column: ColumnInfo, declared: DeclaredType): boolean {
  return fitsFamily(FAMILIES, trinoBaseType(column.dbType), column, declared);
}

/**
 * `import` never reaches these: Trino refuses it before anything is written (see
 * trino-engine.ts), because no connector spellbook can rely on keeps a multi-statement
 * write all-or-nothing. They exist because every dialect answers them.
 */
export function trinoColumnType(type: FeatureType): string {
  const ddl: Record<FeatureType, string> = {
    int: 'bigint',
    float: 'double',
    bool: 'boolean',
    string: 'varchar',
    timestamp: 'timestamp(3) with time zone',
    date: 'date',
  };
  return ddl[type];
}

export function trinoBindValue(_value: ImportValue, _type: FeatureType): unknown {
  throw new SpellbookError('INTERNAL', 'import does not write to Trino');
}

/** Trino sends date-times and dates as text in the session's zone (UTC), decimals as text. */
export function trinoValueForm(column: ColumnInfo): ValueForm {
  const t = trinoBaseType(column.dbType);
  if (FAMILIES.timestamps.has(t)) return 'timestamp';
  if (t === 'date') return 'date';
  return FAMILIES.decimals.has(t) ? 'decimal' : 'plain';
}

/** Trino's error names for SQL text that cannot run as written (PERMISSION_DENIED is the cluster refusing). */
const TEXT_ERRORS = new Set([
  'SYNTAX_ERROR',
  'TABLE_NOT_FOUND',
  'COLUMN_NOT_FOUND',
  'SCHEMA_NOT_FOUND',
  'CATALOG_NOT_FOUND',
  'FUNCTION_NOT_FOUND',
  'TYPE_MISMATCH',
  'AMBIGUOUS_NAME',
  'MISSING_CATALOG_NAME',
  'MISSING_SCHEMA_NAME',
  'INVALID_COLUMN_REFERENCE',
  'NOT_SUPPORTED',
]);

export function trinoRejectsText(err: unknown): boolean {
  const name = (err as { errorName?: unknown } | null)?.errorName;
  return typeof name === 'string' && TEXT_ERRORS.has(name);
}
