/** How spellbook's types map onto MySQL/MariaDB's (DATA_TYPE names of information_schema). */
import type { FeatureType } from '../../metadata/types.js';
import { formatUtcDateTime } from '../../time/instant.js';
import type { ColumnInfo, DeclaredType, ImportValue, ValueForm } from '../dialect.js';
import { fitsFamily, type TypeFamilies } from '../type-families.js';

const FAMILIES: TypeFamilies = {
  integers: new Set(['tinyint', 'smallint', 'mediumint', 'int', 'integer', 'bigint']),
  decimals: new Set(['decimal', 'numeric']),
  floats: new Set(['float', 'double', 'real']),
  texts: new Set(['char', 'varchar', 'tinytext', 'text', 'mediumtext', 'longtext', 'enum', 'set']),
  // BOOLEAN is TINYINT(1); the catalog's DATA_TYPE no longer says "(1)".
  booleans: new Set(['tinyint', 'bit', 'boolean']),
  timestamps: new Set(['datetime', 'timestamp']),
};

export function mysqlTypeFits(column: ColumnInfo, declared: DeclaredType): boolean {
  return fitsFamily(FAMILIES, column.dbType.replace(/\(.*\)/, '').replace(/ unsigned$/, '').trim(), column, declared);
}

const DDL: Record<FeatureType, string> = {
  int: 'BIGINT',
  float: 'DOUBLE',
  bool: 'BOOLEAN',
  // No length to guess; import creates no index that would need one.
  string: 'TEXT',
  // DATETIME, not TIMESTAMP: no 1970–2038 range limit and no automatic ON UPDATE.
  timestamp: 'DATETIME(3)',
  date: 'DATE',
};

export function mysqlColumnType(type: FeatureType): string {
  return DDL[type];
}

/**
 * MariaDB rejects a trailing `Z` in a DATETIME literal; the session runs in UTC
 * (mysql-connection.ts), so the UTC wall time stores the right instant in DATETIME and
 * TIMESTAMP alike. Booleans go as 1/0, which TINYINT and BIT(1) both take.
 */
export function mysqlBindValue(value: ImportValue, type: FeatureType): unknown {
  if (value === null) return null;
  if (type === 'timestamp') return formatUtcDateTime(value as number);
  if (type === 'bool') return value ? 1 : 0;
  return value;
}

/** DATETIME, TIMESTAMP and DATE come as text (dateStrings), DECIMAL as its exact text. */
export function mysqlValueForm(column: ColumnInfo): ValueForm {
  const t = column.dbType.replace(/\(.*\)/, '').replace(/ unsigned$/, '').trim();
  if (FAMILIES.timestamps.has(t)) return 'timestamp';
  if (t === 'date') return 'date';
  return FAMILIES.decimals.has(t) ? 'decimal' : 'plain';
}

/**
 * ER_PARSE_ERROR, ER_NO_SUCH_TABLE, ER_BAD_FIELD_ERROR, ER_NON_UNIQ_ERROR, ER_DUP_FIELDNAME,
 * ER_UNKNOWN_TABLE, ER_SP_DOES_NOT_EXIST (an unknown function), ER_WRONG_FIELD_WITH_GROUP.
 */
const TEXT_ERRORS = new Set([1064, 1146, 1054, 1052, 1060, 1109, 1305, 1055]);

export function mysqlRejectsText(err: unknown): boolean {
  const errno = (err as { errno?: unknown } | null)?.errno;
  return typeof errno === 'number' && TEXT_ERRORS.has(errno);
}
