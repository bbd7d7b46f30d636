/**
 * What Trino can do, apart from the SQL it speaks (trino-dialect.ts): its planner and
 * limits, the DDL and values of `import`, its type catalog and its errors.
 */
import type { EngineAdapter } from '../dialect.js';
import { trinoBindValue, trinoColumnType, trinoRejectsText, trinoTypeFits, trinoValueForm } from './trino-types.js';
import { trinoMissingObject } from './trino-errors.js';

export const trinoAdapter: EngineAdapter = {
  // Trino's joins are distributed hash joins on the workers.
  hashJoins: true,
  // Not measured on Trino; the earlier cross-engine threshold.
  databaseJoinMaxLabels: 10_000,
  // Parameters travel as literals in the statement text (trino-literals.ts), bounded by
  // the coordinator's query.max-length (1,000,000 characters by default).
  maxParameters: 50_000,
  maxStatementBytes: 900_000,
  transactionalDdl: false,
  // A write's atomicity is each connector's own affair, and none spellbook can rely on
  // keeps a multi-row write all-or-nothing.
  importRefusal: 'import does not write to Trino: no connector spellbook supports keeps a multi-row write all-or-nothing',
  columnType: trinoColumnType,
  // import (and so its index) is refused on Trino; the column as is.
  indexKey: (columnSql: string) => columnSql,
  bindValue: trinoBindValue,
  typeFits: trinoTypeFits,
  valueForm: trinoValueForm,
  rejectsText: trinoRejectsText,
  missingObject: trinoMissingObject,
};
