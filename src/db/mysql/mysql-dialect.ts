import type { EpochUnit, FeatureType, KeyType } from '../../metadata/types.js';
import { epochComparison, type JsonColumn, type SqlDialect, type TimeComparison } from '../dialect.js';
import { quoteWith } from '../identifier.js';
import { mysqlBindValue, mysqlColumnType, mysqlRejectsText, mysqlTypeFits, mysqlValueForm } from './mysql-types.js';
import { mysqlMissingObject } from './mysql-errors.js';

export const mysqlDialect: SqlDialect = {
  engine: 'mysql',
  // MariaDB's default join_cache_level gives block nested loops: a scan per label block.
  hashJoins: false,
  maxParameters: 65535,
  // mysql2 inlines values into the text; 4 MiB stays under every server's default
  // max_allowed_packet (4 MiB on MySQL 5.7 and older MariaDB, 16–64 MiB since).
  maxStatementBytes: 4 * 1024 * 1024,
  transactionalDdl: false,
  columnType: mysqlColumnType,
  // 191 characters of utf8mb4 fit InnoDB's key length limit twice over, for composite keys.
  indexKey: (columnSql: string, type: FeatureType) => (type === 'string' ? `${columnSql}(191)` : columnSql),
  bindValue: mysqlBindValue,
  typeFits: mysqlTypeFits,
  missingObject: mysqlMissingObject,
  valueForm: mysqlValueForm,
  rejectsText: mysqlRejectsText,
  quoteIdentifier: (name) => quoteWith(name, '`'),
  placeholder: () => '?',
  epochMs(col: string, unit?: EpochUnit): string {
    // CAST AS DOUBLE so mysql2 returns a number; DECIMAL would come back as a string.
    if (unit === 's') return `CAST(FLOOR((${col}) * 1000) AS DOUBLE)`;
    if (unit === 'ms') return `CAST(FLOOR(${col}) AS DOUBLE)`;
    // UNIX_TIMESTAMP() returns 0 before 1970; TIMESTAMPDIFF works for any year. The
    // session's time_zone is UTC, so DATETIME (naive) and TIMESTAMP both read as UTC.
    // BIGINT / 1000 is an exact DECIMAL, so FLOOR truncates to the millisecond exactly.
    return `CAST(FLOOR(TIMESTAMPDIFF(MICROSECOND, '1970-01-01 00:00:00', ${col}) / 1000) AS DOUBLE)`;
  },
  timeComparison(col: string, unit?: EpochUnit): TimeComparison {
    if (unit) return epochComparison(mysqlDialect.epochMs(col, unit));
    // DATETIME, TIMESTAMP (read in the UTC session) and DATE compare with a DATETIME(3).
    return {
      column: col,
      instant: (p) => `CAST(${p} AS DATETIME(3))`,
      instantValue: (ms) => new Date(ms).toISOString().slice(0, 23).replace('T', ' '),
    };
  },
  keyOrder(col: string, type: KeyType): string {
    // Binary strings compare byte by byte with no padding; utf8mb4_bin is PAD SPACE on
    // MariaDB ('a' = 'a '), and a latin1 column's own bytes are not UTF-8.
    return type === 'int' ? col : `CAST(CONVERT(${col} USING utf8mb4) AS BINARY)`;
  },
  exactKey(sql: string, type: KeyType): string {
    return type === 'int' ? sql : `CAST(CONVERT(${sql} USING utf8mb4) AS BINARY)`;
  },
  jsonRows(jsonSql: string, alias: string, columns: readonly JsonColumn[]): string {
    const q = mysqlDialect.quoteIdentifier;
    const type = { int: 'BIGINT', float: 'DOUBLE', string: 'TEXT CHARACTER SET utf8mb4' };
    const list = columns.map((c, i) => `${q(c.name)} ${type[c.type]} PATH '$[${i}]'`);
    // JSON_TABLE: MariaDB 10.6+, MySQL 8.0+.
    return `JSON_TABLE(${jsonSql}, '$[*]' COLUMNS (${list.join(', ')})) AS ${q(alias)}`;
  },
};
