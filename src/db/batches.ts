/** Row batching shared by drivers whose rows arrive one by one (cursor and network streams). */
import type { Readable } from 'node:stream';
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

/**
 * A row stream's rows, every row it holds at each wake-up as one batch (`keep` drops rows
 * that are not results): an async step per batch instead of two per row (the row iterator
 * and the batching generator), which cost as much as the merge's own work per row.
 * `lost` is the error of a stream closed before its end without one of its own.
 */
export async function* bufferedBatches<R = unknown>(rows: Readable, keep?: (row: unknown) => boolean, lost = 'Connection lost: The server closed the connection.'): AsyncGenerator<R[]> {
  for (;;) {
    const batch: R[] = [];
    for (let row = rows.read() as unknown; row !== null; row = rows.read() as unknown) if (keep === undefined || keep(row)) batch.push(row as R);
    if (batch.length > 0) yield batch;
    else if (rows.readableEnded) return;
    else await moreOrEnd(rows, lost);
  }
}

/** Resolves when the stream has rows to read or has ended; rejects with its error. */
function moreOrEnd(rows: Readable, lost: string): Promise<void> {
  if (rows.errored) return Promise.reject(rows.errored);
  return new Promise((resolve, reject) => {
    const done = (err?: Error | null): void => {
      rows.off('readable', settle).off('end', settle).off('close', closed).off('error', done);
      if (err) reject(err);
      else resolve();
    };
    const settle = (): void => done();
    const closed = (): void => done(rows.errored ?? (rows.readableEnded ? undefined : new Error(lost)));
    rows.on('readable', settle).on('end', settle).on('close', closed).on('error', done);
  });
}
