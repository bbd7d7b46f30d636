/**
 * A labels query (SPEC §8) read as a LabelReader: the ordered labels statement streamed
 * from the read-only database, each value written as spellbook writes values, runs of
 * rows sharing a time and keys put in their final order, each row numbered in that order
 * for messages. A second read runs the statement again (a replay): nothing is kept.
 */
import type { CompiledQuery, Database } from '../db/dialect.js';
import { labelRowLayout } from '../sql/label-queries.js';
import { parseInstant } from '../time/instant.js';
import type { LabelReader, LabelRecord, QueryLabelSource } from './labels.js';
import { labelValueText, TieOrder } from './label-values.js';

/** How messages name the rows of a labels query. */
export const QUERY_SOURCE = '--input-query';

/**
 * Most rows handed on at once. A driver's page can hold tens of thousands (Trino's hold
 * 30,000): what is built for a row lives until its batch is written, and a smaller batch
 * lets it die young, in the cheap part of the garbage collector.
 */
const BATCH_ROWS = 2048;

/**
 * A row of a statement over the labels query, as a label record; `row` is the statement's
 * row, values in SELECT-list order. Its place is put into words only for a message.
 */
export class QueryLabelRow implements LabelRecord {
  /** Its number in SPEC §8's order, from 1; 0 until its order is final. */
  number = 0;

  constructor(
    readonly fields: readonly string[],
    readonly time: number | null,
    readonly row: readonly unknown[],
  ) {}

  get where(): string {
    return `${QUERY_SOURCE} row ${this.number}`;
  }
}

/**
 * The rows of `statement` (the labels statement, or the database join, both ordered by
 * NULLs first, time, keys) as label records in SPEC §8's order, in batches.
 */
export async function* queryLabelRows(db: Database, source: QueryLabelSource, statement: CompiledQuery): AsyncGenerator<QueryLabelRow[]> {
  const names = source.columns.map((c) => c.name);
  const width = names.length;
  const text = source.columns.map((c) => labelValueText(db.adapter.valueForm(c)));
  const keys = source.keyColumns.map((k) => names.indexOf(k));
  // The label time: the database's epoch ms beside the query's columns, or read back from
  // the time column's own value in the row, the session's UTC text (timeField). Read from
  // the text as the database sent it, not from the field written of it: that is built of
  // slices, which reading by character would first copy into one string.
  const timeAt = labelRowLayout(width, source.timeField !== undefined).time;
  const timeField = source.timeField === undefined ? -1 : names.indexOf(source.timeField);
  const timeOf: (row: readonly unknown[]) => unknown =
    timeAt !== undefined ? (row) => row[timeAt] : (row) => (typeof row[timeField] === 'string' ? parseInstant(row[timeField] as string) : null);
  const ties = new TieOrder<QueryLabelRow>(
    (a, b) => a.time === b.time && keys.every((k) => a.fields[k] === b.fields[k]),
    (r) => r.fields,
  );
  let n = 0;
  const numbered = (ready: QueryLabelRow[]): QueryLabelRow[] => {
    for (const r of ready) r.number = ++n;
    return ready;
  };
  for await (const page of db.driver.arrayBatches(statement)) {
    for (let start = 0; start < page.length; start += BATCH_ROWS) {
      const end = Math.min(page.length, start + BATCH_ROWS);
      const ready: QueryLabelRow[] = [];
      for (let r = start; r < end; r++) {
        const row = page[r]!;
        // Let go of it here: the page lives until the driver's next one arrives.
        page[r] = undefined as never;
        const fields = new Array<string>(width);
        for (let i = 0; i < width; i++) fields[i] = text[i]!(row[i]);
        const t = timeOf(row);
        ties.push(new QueryLabelRow(fields, t === null || t === undefined ? null : Number(t), row), ready);
      }
      if (ready.length > 0) yield numbered(ready);
    }
  }
  const rest: QueryLabelRow[] = [];
  ties.flush(rest);
  if (rest.length > 0) yield numbered(rest);
}

export function queryLabelReader(db: Database, source: QueryLabelSource): LabelReader {
  const batches = () => queryLabelRows(db, source, source.statement);
  return {
    name: QUERY_SOURCE,
    header: source.columns.map((c) => c.name),
    replayable: true,
    records: async function* () {
      for await (const batch of batches()) yield* batch;
    },
    batches,
  };
}
