/**
 * What SQLite can do, apart from the SQL it speaks (sqlite-dialect.ts): its planner and
 * limits, the DDL and values of `import`, its type catalog and its errors.
 */
import type { EngineAdapter } from '../dialect.js';
import { sqliteBindValue, sqliteColumnType, sqliteRejectsText, sqliteTypeFits, sqliteValueForm } from './sqlite-types.js';
import { sqliteMissingObject } from './sqlite-errors.js';

export const sqliteAdapter: EngineAdapter = {
  // SQLite joins by nested loops (an automatic index is not assured).
  hashJoins: false,
  maxParameters: 32766,
  // Values are bound, never inlined; the text is only placeholders.
  maxStatementBytes: 64 * 1024 * 1024,
  transactionalDdl: true,
  columnType: sqliteColumnType,
  indexKey: (columnSql: string) => columnSql,
  bindValue: sqliteBindValue,
  typeFits: sqliteTypeFits,
  missingObject: sqliteMissingObject,
  valueForm: sqliteValueForm,
  rejectsText: sqliteRejectsText,
};
