/**
 * What MariaDB/MySQL can do, apart from the SQL it speaks (mysql-dialect.ts): its planner and
 * limits, the DDL and values of `import`, its type catalog and its errors.
 */
import type { FeatureType } from '../../metadata/types.js';
import type { EngineAdapter } from '../dialect.js';
import { mysqlBindValue, mysqlColumnType, mysqlRejectsText, mysqlTypeFits, mysqlValueForm } from './mysql-types.js';
import { mysqlMissingObject } from './mysql-errors.js';

export const mysqlAdapter: EngineAdapter = {
  // MariaDB's default join_cache_level gives block nested loops: a scan per label block.
  hashJoins: false,
  // Scale-1 sweep (2 x 1M rows, indexed, 2026-11-30, load ~21): 0.83x the merge's wall
  // at 100,000 labels (0.29x at 1,000, 0.53x at 10,000), 2.53x at 1,000,000.
  databaseJoinMaxLabels: 100_000,
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
};
