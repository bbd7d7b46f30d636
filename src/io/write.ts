/** Streams output rows through an encoder into a sink; the sink is committed only if every row made it. */
import type { OutputRow } from '../pit/join.js';
import type { RowEncoder } from './encoders.js';
import type { Progress } from './progress.js';
import type { Sink } from './sink.js';

export async function writeRows(rows: AsyncIterable<OutputRow<string>>, encoder: RowEncoder, sink: Sink, progress?: Progress): Promise<number> {
  let count = 0;
  try {
    await sink.write(encoder.header());
    for await (const row of rows) {
      const flushing = sink.write(encoder.row(row.prefix, row.values));
      if (flushing) await flushing;
      count++;
      progress?.tick();
    }
    await sink.commit();
  } catch (err) {
    await sink.abort();
    throw err;
  } finally {
    progress?.done();
  }
  return count;
}
