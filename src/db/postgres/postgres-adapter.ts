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
