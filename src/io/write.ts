/**
 * Streams output rows into a RowWriter (text through an encoder, or parquet); the sink
 * behind it is committed only if every row made it.
 */
import type { OutputRow } from '../core/rows.js';
import type { Value } from '../core/values.js';
import type { RowEncoder } from './encoders.js';
import type { Progress } from './progress.js';
import type { Sink } from './sink.js';

export interface RowWriter<P> {
  /** Writes what precedes the rows (a CSV header, parquet's magic bytes). */
  start(): Promise<void>;
  /** Turns a join's label fields into what is kept until the row is written (see RowEncoder.prefix). */
  prefix(fields: readonly string[]): P;
  /** Adds one row; returns a promise only when it had to flush (await it then: backpressure). */
  row(prefix: P, values: readonly Value[]): Promise<void> | undefined;
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
    row: (prefix, values) => sink.write(encoder.row(prefix, values)),
    finish: () => sink.commit(),
    abort: () => sink.abort(),
  };
}

export async function writeRows<P>(rows: AsyncIterable<OutputRow<P>>, writer: RowWriter<P>, progress?: Progress): Promise<number> {
  let count = 0;
  try {
    await writer.start();
    for await (const row of rows) {
      const flushing = writer.row(row.prefix, row.values);
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
