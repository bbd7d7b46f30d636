/**
 * What PostgreSQL can do, apart from the SQL it speaks (postgres-dialect.ts): its planner and
 * limits, the DDL and values of `import`, its type catalog and its errors.
 */
import type { EngineAdapter } from '../dialect.js';
import { postgresBindValue, postgresColumnType, postgresRejectsText, postgresTypeFits, postgresValueForm } from './postgres-types.js';
import { postgresMissingObject } from './postgres-errors.js';

export const postgresAdapter: EngineAdapter = {
  // Hash joins are PostgreSQL's default for an unindexed equi-join.
  hashJoins: true,
  // Scale-1 sweep (2 x 1M rows, 2026-11-30, load 17-38, one run per cell): the database
  // join took 0.77x the merge's wall at 100,000 labels on indexed tables and 0.63x
  // unindexed; at 1,000,000 it took 1.12x (indexed) and 2.69x (unindexed).
  databaseJoinMaxLabels: 100_000,
  maxParameters: 65535,
  maxStatementBytes: 64 * 1024 * 1024,
  transactionalDdl: true,
  columnType: postgresColumnType,
  indexKey: (columnSql: string) => columnSql,
  bindValue: postgresBindValue,
  typeFits: postgresTypeFits,
  missingObject: postgresMissingObject,
  valueForm: postgresValueForm,
  rejectsText: postgresRejectsText,
};
