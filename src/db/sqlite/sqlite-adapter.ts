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
  // Scale-1 sweep (2 x 1M rows, indexed, 2026-11-30, load ~21): 0.49x the merge's wall
  // at 10,000 labels, 1.51x at 100,000 and 3.92x at 1,000,000.
  databaseJoinMaxLabels: 10_000,
  maxParameters: 32766,
  // Values are bound, never inlined; the text is only placeholders. The bound for a
  // database join's JSON of labels: json_each holds the parse of the whole text, so a
  // 1M-label join peaked at 396 MiB with 64 MiB statements, 221 MiB with these (56 s
  // either way; 2 MiB: 192 MiB, 58 s).
  maxStatementBytes: 4 * 1024 * 1024,
  transactionalDdl: true,
  columnType: sqliteColumnType,
  indexKey: (columnSql: string) => columnSql,
  bindValue: sqliteBindValue,
  typeFits: sqliteTypeFits,
  missingObject: sqliteMissingObject,
  valueForm: sqliteValueForm,
  rejectsText: sqliteRejectsText,
};
