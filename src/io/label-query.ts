/**
 * A labels query (SPEC §8) read as a LabelReader: the ordered labels statement streamed
 * from the read-only database, each value written as spellbook writes values, runs of
 * rows sharing a time and keys put in their final order, each row numbered in that order
 * for messages. A second read runs the statement again (a replay): nothing is kept.
 */
import type { CompiledQuery, Database, Row } from '../db/dialect.js';
import { LABEL_TIME } from '../sql/label-queries.js';
import type { LabelReader, LabelRecord, QueryLabelSource } from './labels.js';
import { labelValueText, TieOrder } from './label-values.js';

/** A row of a statement over the labels query: the label as a record, and the row it came from. */
export interface QueryLabelRow {
  readonly record: LabelRecord;
  readonly row: Row;
}

/** How messages name the rows of a labels query. */
export const QUERY_SOURCE = '--input-query';

interface Rendered {
  readonly fields: string[];
  readonly time: number | null;
  readonly row: Row;
}

/**
 * The rows of `statement` (the labels statement, or the database join, both ordered by
 * NULLs first, time, keys) as label records in SPEC §8's order, in batches.
 */
export async function* queryLabelRows(db: Database, source: QueryLabelSource, statement: CompiledQuery): AsyncGenerator<QueryLabelRow[]> {
  const names = source.columns.map((c) => c.name);
  const text = source.columns.map((c) => labelValueText(db.adapter.valueForm(c)));
  const keys = source.keyColumns.map((k) => names.indexOf(k));
  const ties = new TieOrder<Rendered>(
    (a, b) => a.time === b.time && keys.every((k) => a.fields[k] === b.fields[k]),
    (r) => r.fields,
  );
  let n = 0;
  const numbered = (ready: Rendered[]): QueryLabelRow[] =>
    ready.map(({ fields, time, row }) => ({ record: { fields, time, where: `${QUERY_SOURCE} row ${++n}` }, row }));
  for await (const batch of db.driver.batches(statement)) {
    const ready: Rendered[] = [];
    for (const row of batch) {
      const fields = new Array<string>(names.length);
      for (let i = 0; i < names.length; i++) fields[i] = text[i]!(row[names[i]!]);
      const t = row[LABEL_TIME];
      ties.push({ fields, time: t === null || t === undefined ? null : Number(t), row }, ready);
    }
    if (ready.length > 0) yield numbered(ready);
  }
  const rest: Rendered[] = [];
  ties.flush(rest);
  if (rest.length > 0) yield numbered(rest);
}

export function queryLabelReader(db: Database, source: QueryLabelSource): LabelReader {
  return {
    name: QUERY_SOURCE,
    header: source.columns.map((c) => c.name),
    replayable: true,
    records: async function* () {
      for await (const batch of queryLabelRows(db, source, source.statement)) for (const { record } of batch) yield record;
    },
  };
}
