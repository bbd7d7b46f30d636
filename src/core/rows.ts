/**
 * One output row of `export` or `join`: the prefix the caller encoded once (a join's label
 * columns, nothing for export), then the feature values in the order of the plan.
 */
import type { Value } from './values.js';

export interface OutputRow<P> {
  readonly prefix: P;
  readonly values: readonly Value[];
}

/**
 * Output rows a batch at a time, read in place: row r's prefix, and the value of its
 * feature f from wherever the join keeps it (its winners' columns, a partition's results).
 * Writing a million rows then makes no row object and no array of values per row: that
 * garbage, alive across young-generation collections while a batch was encoded, was
 * promoted and set the join's peak memory.
 */
export interface RowBatch<P> {
  /** Rows in the batch. */
  readonly length: number;
  /** Values in each row. */
  readonly width: number;
  prefix(row: number): P;
  value(row: number, feature: number): Value;
  /**
   * Row r's label fields, unencoded, where the batch still holds them (a database join
   * over a labels query); prefix(r) is then these fields encoded by the writer's own
   * prefix(). A writer that encodes fields as it copies them out (the CSV bytes) reads
   * these and never asks for the prefix, a string that would be built and thrown away for
   * every row.
   */
  fields?(row: number): readonly string[];
  /**
   * Features whose values a worker thread has already written as CSV text
   * (JoinHooks.csvValues): `runs[f]`, where present, holds features f onwards for the
   * labels from its `first` on, and row r of the batch is label `first + r`. A CSV writer
   * copies those bytes; value(r, f) still gives every value, for any other writer.
   */
  readonly csv?: { readonly first: number; readonly runs: readonly (CsvValues | undefined)[] };
}

/**
 * The values of `width` consecutive features for the labels from `first` on, as a CSV
 * line writes them: comma-separated, NULL as nothing. Label i's are bytes[ends[i - first]]
 * up to bytes[ends[i - first + 1]]; a label before `first` has none here.
 */
export interface CsvValues {
  readonly width: number;
  readonly first: number;
  readonly bytes: Uint8Array;
  readonly ends: Uint32Array;
}

/** A row as a batch of one, so that one code writes a row and a batch. */
export function oneRow<P>(prefix: P, values: readonly Value[]): RowBatch<P> {
  return { length: 1, width: values.length, prefix: () => prefix, value: (_, f) => values[f]! };
}

/** The rows of a batch as objects, for callers that take rows one by one. */
export function* rowsOfBatch<P>(batch: RowBatch<P>): Generator<OutputRow<P>> {
  for (let r = 0; r < batch.length; r++) {
    const values: Value[] = new Array(batch.width);
    for (let f = 0; f < batch.width; f++) values[f] = batch.value(r, f);
    yield { prefix: batch.prefix(r), values };
  }
}
