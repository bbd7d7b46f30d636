/**
 * Streams output rows into a RowWriter (text through an encoder, or parquet); the sink
 * behind it is committed only if every row made it.
 */
import { rowsOfBatch, type OutputRow, type RowBatch } from '../core/rows.js';
import type { Value } from '../core/values.js';
import type { RowEncoder } from './encoders.js';
import type { Progress } from './progress.js';
import type { Sink } from './sink.js';

export interface RowWriter<P> {
  /** Writes what precedes the rows (a CSV header, parquet's magic bytes). */
  start(): Promise<void>;
  /** Turns a join's label fields into what is kept until the row is written (see RowEncoder.prefix). */
  prefix(fields: readonly string[]): P;
  /** The same for a line of a CSV file without quotes (see RowEncoder.prefixOfLine), where the writer has a quicker way. */
  prefixOfLine?(line: string, delimiter: string): P;
  /** Adds one row; returns a promise only when it had to flush (await it then: backpressure). */
  row(prefix: P, values: readonly Value[]): Promise<void> | undefined;
  /** Adds a batch of rows, as `row` does each (a text writer encodes them into one chunk). */
  rowBatch?(batch: RowBatch<P>): Promise<void> | undefined;
  /** Whether rowBatch copies values a batch holds as CSV text (RowBatch.csv) rather than encoding them again. */
  readonly copiesCsvValues?: boolean;
  /** Writes what is still buffered and any trailer, then commits the sink. */
  finish(): Promise<void>;
  /** Discards the output. */
  abort(): Promise<void>;
}

/** csv and jsonl: each row is one line of text. */
export function textRowWriter(encoder: RowEncoder, sink: Sink): RowWriter<string> {
  return {
    start: async () => {
      await sink.write(encoder.header());
    },
    prefix: (fields) => encoder.prefix(fields),
    prefixOfLine: (line, delimiter) => encoder.prefixOfLine(line, delimiter),
    row: (prefix, values) => sink.write(encoder.row(prefix, values)),
    rowBatch: encoder.bytes ? (batch) => sink.write(encoder.bytes!(batch)) : (batch) => sink.write(encoder.lines(batch)),
    // Only the bytes encoder (csv) reads RowBatch.csv.
    copiesCsvValues: encoder.bytes !== undefined,
    finish: () => sink.commit(),
    abort: () => sink.abort(),
  };
}

/**
 * Writes rows as `rows` yields them: one at a time, or in batches, which cost one step of
 * the async iteration and one write each however many rows they hold.
 */
export async function writeRows<P>(rows: AsyncIterable<OutputRow<P> | RowBatch<P>>, writer: RowWriter<P>, progress?: Progress): Promise<number> {
  let count = 0;
  try {
    await writer.start();
    for await (const item of rows) {
      if (isBatch(item)) {
        if (writer.rowBatch) {
          const flushing = writer.rowBatch(item);
          if (flushing) await flushing;
        } else {
          for (const row of rowsOfBatch(item)) {
            const flushing = writer.row(row.prefix, row.values);
            if (flushing) await flushing;
          }
        }
        count += item.length;
        progress?.tick(item.length);
        continue;
      }
      const flushing = writer.row(item.prefix, item.values);
      if (flushing) await flushing;
      count++;
      progress?.tick();
    }
    await writer.finish();
  } catch (err) {
    await writer.abort();
    throw err;
  } finally {
    progress?.done();
  }
  return count;
}

function isBatch<P>(item: OutputRow<P> | RowBatch<P>): item is RowBatch<P> {
  return typeof (item as RowBatch<P>).value === 'function';
}
