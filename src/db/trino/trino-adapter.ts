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
  // Measured on the two-node test cluster (docs/benchmarks.md, "Round 3 of issue 12"):
  // database ÷ merge 0.54× at 1,000 labels, 0.70× at 10,000, 2.10× at 100,000.
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
