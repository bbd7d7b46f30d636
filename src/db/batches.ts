/** Row batching shared by drivers whose rows arrive one by one (cursor and network streams). */
import type { Row } from './dialect.js';

export const BATCH_ROWS = 1024;

export async function* inBatches<R = Row>(rows: AsyncIterable<R>, size = BATCH_ROWS): AsyncGenerator<R[]> {
  let batch: R[] = [];
  for await (const row of rows) {
    batch.push(row);
    if (batch.length >= size) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length > 0) yield batch;
}

/** The rows of batches, one by one. */
export async function* flatten(batches: AsyncIterable<Row[]>): AsyncGenerator<Row> {
  for await (const batch of batches) yield* batch;
}
