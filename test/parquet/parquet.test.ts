/**
 * Parquet output (SPEC §4) through the CLI (in-process) on every engine: the file is read back
 * by DuckDB, an independent reader, and must hold the declared column types and, row for
 * row, the same values as the CSV output of the same run.
 */
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { describeEngines, type EngineContext } from '../support/engines.js';
import { at, createTable } from '../support/tables.js';
import { runCli, tempDir, writeFile, writeMetadata } from '../support/cli.js';
import { readCsv, readParquet } from './read-back.js';

const ROWS = [
  { k: 1, t: at('2024-01-01 10:00'), i: 42, f: 0.1, s: 'plain', b: true, ts: at('2024-01-01 09:30:00.123'), d: '2023-12-31' },
  { k: 1, t: at('2024-01-03 00:00'), i: -7, f: 1.5e300, s: 'comma, "quote"\nnewline', b: false, ts: at('1969-12-31 23:59:59.999'), d: '1970-01-01' },
  { k: 2, t: at('2024-01-02 00:00'), i: 1_099_511_627_776, f: -2.25, s: 'ünïcødé ✓', b: null, ts: null, d: null },
  { k: 3, t: at('2024-01-02 00:00'), i: null, f: null, s: null, b: true, ts: at('2024-02-29 12:00'), d: '2024-02-29' },
  { k: 4, t: at('2024-02-01 00:00'), i: 1, f: 1, s: '', b: false, ts: at('2024-01-01 00:00'), d: '2000-01-01' },
];

const FEATURES = [
  { name: 'i', type: 'int' },
  { name: 'f', type: 'float' },
  { name: 's', type: 'string' },
  { name: 'b', type: 'bool' },
  { name: 'ts', type: 'timestamp' },
  { name: 'd', type: 'date' },
];
const FEATURE_TYPES = ['BIGINT', 'DOUBLE', 'VARCHAR', 'BOOLEAN', 'TIMESTAMP WITH TIME ZONE', 'DATE'];

async function fixture(ctx: EngineContext): Promise<string> {
  await createTable(ctx, 'facts', { k: 'int', t: 'time', i: 'int', f: 'float', s: 'string', b: 'bool', ts: 'time', d: 'date' }, ROWS);
  const dir = tempDir();
  writeMetadata(dir, {
    version: 1,
    connection: ctx.connection,
    entities: [{ name: 'e', key: 'k', type: 'int' }],
    groups: [{ name: 'g', entity: 'e', table: 'facts', event_time: 't', features: FEATURES }],
  });
  return dir;
}

/** Runs the same command to CSV and to parquet and compares the two files row for row. */
async function sameAsCsv(dir: string, args: readonly string[], expectedTypes: readonly string[]): Promise<number> {
  const csv = await runCli([...args, '--output', 'out.csv'], { cwd: dir });
  expect([csv.code, csv.stderr]).toEqual([0, '']);
  const pq = await runCli([...args, '--output', 'out.parquet'], { cwd: dir });
  expect([pq.code, pq.stderr]).toEqual([0, '']);
  const text = readCsv(join(dir, 'out.csv'));
  const parquet = await readParquet(join(dir, 'out.parquet'));
  expect(parquet.columns).toEqual(text.columns);
  expect(parquet.types).toEqual(expectedTypes);
  expect(parquet.rows).toEqual(text.rows);
  return parquet.rows.length;
}

describeEngines('parquet output', (ctx) => {
  it('export: typed columns, the same rows as the CSV', async () => {
    const dir = await fixture(ctx());
    const n = await sameAsCsv(dir, ['export', '--feature', 'g.*', '--snapshot-date', '2024-01-05'], ['BIGINT', ...FEATURE_TYPES]);
    expect(n).toBe(3);
  });

  it('join: label columns as strings (int keys as BIGINT), then typed features, the same rows as the CSV', async () => {
    const dir = await fixture(ctx());
    writeFile(
      dir,
      'labels.csv',
      ['id,k,event_timestamp,note', 'L1,1,2024-01-01,before', 'L2,1,2024-01-02T00:00:00Z,', 'L3,2,2024-03-01,"a,b"', 'L4,9,2024-03-01,no key', 'L5,1,2024-01-05,later', 'L5,1,2024-01-05,later'].join('\n') + '\n',
    );
    for (const strategy of ['merge', 'database']) {
      const n = await sameAsCsv(dir, ['join', '--input-file', 'labels.csv', '--feature', 'g.*', '--strategy', strategy], ['VARCHAR', 'BIGINT', 'VARCHAR', 'VARCHAR', ...FEATURE_TYPES]);
      expect(n).toBe(6);
    }
  });
});
