/**
 * Labels in a Parquet file (issue 10), on every engine and both strategies: a typed
 * TIMESTAMP column and INT64 keys are accepted, several row groups are read in order, and
 * the training set is the one of a CSV file holding the same values as spellbook writes
 * them. A NULL timestamp is a bad input naming its row.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { expect, it } from 'vitest';
import { describeEngines, type EngineContext } from '../support/engines.js';
import { at, createTable } from '../support/tables.js';
import { runCli, tempDir, writeFile, writeMetadata } from '../support/cli.js';

async function world(ctx: EngineContext): Promise<string> {
  await createTable(ctx, 'accounts', { user_id: 'int', updated_at: 'time', balance: 'float' }, [
    { user_id: 1, updated_at: at('2024-01-01'), balance: 10.5 },
    { user_id: 1, updated_at: at('2024-01-05'), balance: 20 },
    { user_id: 2, updated_at: at('2024-01-03'), balance: 3 },
  ]);
  const dir = tempDir();
  writeMetadata(dir, {
    version: 1,
    connection: ctx.connection,
    entities: [{ name: 'user', key: 'user_id', type: 'int' }],
    groups: [{ name: 'account', entity: 'user', table: 'accounts', event_time: 'updated_at', features: [{ name: 'balance', type: 'float' }] }],
  });
  return dir;
}

function writeParquet(file: string, times: (Date | null)[]): void {
  const buffer = parquetWriteBuffer({
    columnData: [
      { name: 'id', data: ['a', 'b', 'c', 'd', 'e'], type: 'STRING' },
      { name: 'user_id', data: [1n, 2n, 1n, 3n, 1n], type: 'INT64' },
      { name: 'event_timestamp', data: times, type: 'TIMESTAMP' },
      { name: 'score', data: [0.5, null, 2, 1.25, 10], type: 'DOUBLE' },
      { name: 'ok', data: [true, false, null, true, false], type: 'BOOLEAN' },
    ],
    rowGroupSize: 2,
  });
  writeFileSync(file, new Uint8Array(buffer));
}

const TIMES = [at('2024-01-02'), at('2024-01-04 06:30'), at('2024-01-06'), at('2023-12-31'), at('2024-01-05')].map((ms) => new Date(ms));

describeEngines('join --input-file labels.parquet', (ctx) => {
  it('reads typed columns across row groups, as the same values in a CSV file, on both strategies', async () => {
    const dir = await world(ctx());
    writeParquet(join(dir, 'labels.parquet'), TIMES);
    writeFile(
      dir,
      'labels.csv',
      'id,user_id,event_timestamp,score,ok\n' +
        'a,1,2024-01-02T00:00:00.000Z,0.5,true\n' +
        'b,2,2024-01-04T06:30:00.000Z,,false\n' +
        'c,1,2024-01-06T00:00:00.000Z,2,\n' +
        'd,3,2023-12-31T00:00:00.000Z,1.25,true\n' +
        'e,1,2024-01-05T00:00:00.000Z,10,false\n',
    );
    const expected =
      'id,user_id,event_timestamp,score,ok,balance\n' +
      'a,1,2024-01-02T00:00:00.000Z,0.5,true,10.5\n' +
      'b,2,2024-01-04T06:30:00.000Z,,false,3\n' +
      'c,1,2024-01-06T00:00:00.000Z,2,,20\n' +
      'd,3,2023-12-31T00:00:00.000Z,1.25,true,\n' +
      'e,1,2024-01-05T00:00:00.000Z,10,false,20\n';
    for (const strategy of ['database', 'merge']) {
      for (const file of ['labels.parquet', 'labels.csv']) {
        const r = await runCli(['join', '--input-file', file, '--feature', 'account.balance', '--strategy', strategy], { cwd: dir });
        expect(r.stderr).toBe('');
        expect(r.stdout).toBe(expected);
      }
    }
  });

  it('a NULL timestamp is a bad input naming its row; a file that is not Parquet names the file', async () => {
    const dir = await world(ctx());
    writeParquet(join(dir, 'labels.parquet'), [TIMES[0]!, TIMES[1]!, null, TIMES[3]!, TIMES[4]!]);
    writeFile(dir, 'bad.parquet', 'user_id,event_timestamp\n1,2024-01-01\n');
    for (const strategy of ['database', 'merge']) {
      const out = join(dir, 'out.csv');
      const r = await runCli(['join', '--input-file', 'labels.parquet', '--feature', 'account.balance', '--strategy', strategy, '--output', out], { cwd: dir });
      expect(r.code).toBe(2);
      expect(r.stderr).toBe('Error: labels.parquet row 3: event_timestamp: "" is not a timestamp (expected ISO 8601 like 2024-03-01 or 2024-03-01T12:00:00Z)\n');
    }
    const bad = await runCli(['join', '--input-file', 'bad.parquet', '--feature', 'account.balance'], { cwd: dir });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^Error: bad\.parquet: not a Parquet file spellbook can read \(.+\)\n$/);
  });
});
