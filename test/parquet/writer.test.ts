/** The parquet writer alone: row groups of bounded size, empty output, values the declared type cannot hold. */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ParquetRowWriter } from '../../src/io/parquet.js';
import { openSink } from '../../src/io/sink.js';
import { writeRows } from '../../src/io/write.js';
import type { OutputRow } from '../../src/core/rows.js';
import { tempDir } from '../support/cli.js';
import { readParquet } from './read-back.js';

async function* rows(n: number): AsyncGenerator<OutputRow<readonly string[]>> {
  for (let i = 0; i < n; i++) yield { prefix: [`L${i}`, String(i)], values: [i * 0.5, i % 3 === 0 ? null : new Date(Date.UTC(2024, 0, 1) + i * 1000)] };
}

const PREFIX = [
  { name: 'id', type: 'string' },
  { name: 'k', type: 'int' },
] as const;
const VALUES = [
  { name: 'x', type: 'float' },
  { name: 'at', type: 'timestamp' },
] as const;

describe('ParquetRowWriter', () => {
  it('writes one row group per ROW_GROUP rows while streaming, and a reader sees every row', async () => {
    const file = join(tempDir(), 'out.parquet');
    const writer = new ParquetRowWriter(openSink(file), PREFIX, VALUES, 1000);
    expect(await writeRows(rows(2500), writer)).toBe(2500);
    const back = await readParquet(file);
    expect(back.rowGroups).toBe(3);
    expect(back.types).toEqual(['VARCHAR', 'BIGINT', 'DOUBLE', 'TIMESTAMP WITH TIME ZONE']);
    expect(back.rows[0]).toEqual(['L0', '0', '0', '']);
    expect(back.rows[2498]).toEqual(['L2498', '2498', '1249', new Date(Date.UTC(2024, 0, 1) + 2498_000).toISOString()]);
    expect(back.rows.map((r) => r[0])).toEqual(Array.from({ length: 2500 }, (_, i) => `L${i}`));
  });

  it('no rows is a valid file with the schema', async () => {
    const file = join(tempDir(), 'empty.parquet');
    await writeRows(rows(0), new ParquetRowWriter(openSink(file), PREFIX, VALUES));
    const back = await readParquet(file);
    expect([back.columns, back.rows]).toEqual([['id', 'k', 'x', 'at'], []]);
  });

  it('a value its column cannot hold fails the run and leaves no file', async () => {
    const dir = tempDir();
    async function* bad(): AsyncGenerator<OutputRow<readonly string[]>> {
      yield* rows(10);
      yield { prefix: ['L', '1'], values: ['abc', null] };
    }
    await expect(writeRows(bad(), new ParquetRowWriter(openSink(join(dir, 'out.parquet')), PREFIX, VALUES))).rejects.toMatchObject({
      code: 'TYPE_MISMATCH',
      exitCode: 1,
      message: expect.stringContaining('x: "abc" is not a float; parquet output needs values of the declared type'),
    });
    expect(existsSync(join(dir, 'out.parquet'))).toBe(false);
    expect(readdirSync(dir)).toEqual([]);
  });
});
