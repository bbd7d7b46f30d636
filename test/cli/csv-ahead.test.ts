/**
 * A join's CSV output when merge workers write feature values as CSV text ahead of the
 * main thread (JoinHooks.csvValues): a worker writes its own groups' text with its
 * answer, and the main thread's groups' text for the labels from 45% on while the main
 * thread writes the rows before; the main thread copies that text. The file must be
 * byte for byte what writing every value itself gives: the same digits for any double,
 * true/false, times to the millisecond, NULL and no visible row as nothing. Ten labels:
 * the first four are written from the values, the other six copied; both groups have
 * only numbers, booleans and times, the values written ahead.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { describeEngines, type EngineContext } from '../support/engines.js';
import { at, createTable } from '../support/tables.js';
import { runCli, runCliProcess, tempDir, writeFile, writeMetadata } from '../support/cli.js';

async function world(ctx: EngineContext): Promise<string> {
  await createTable(ctx, 'accounts', { user_id: 'int', updated_at: 'time', balance: 'float', n: 'int', active: 'bool', opened: 'time' }, [
    { user_id: 1, updated_at: at('2024-01-01'), balance: 0.1 + 0.2, n: 9007199254740991, active: true, opened: at('2023-05-06 07:08:09.010') },
    { user_id: 1, updated_at: at('2024-01-05'), balance: -1234.5, n: -3, active: false, opened: null },
    { user_id: 2, updated_at: at('2024-01-02'), balance: null, n: 0, active: null, opened: at('2020-02-29') },
    { user_id: 3, updated_at: at('2024-01-03'), balance: 1e21, n: 42, active: true, opened: at('1969-12-31 23:59:59.999') },
    { user_id: 4, updated_at: at('2024-01-04'), balance: 2.5e-8, n: 7, active: false, opened: at('2024-01-04') },
  ]);
  await createTable(ctx, 'stats', { user_id: 'int', computed_at: 'time', score: 'float', visits: 'int' }, [
    { user_id: 1, computed_at: at('2024-01-02'), score: 0.000001, visits: 1 },
    { user_id: 2, computed_at: at('2024-01-01'), score: 123456789.125, visits: null },
    { user_id: 3, computed_at: at('2024-01-06'), score: -0.5, visits: 100 },
    { user_id: 4, computed_at: at('2024-01-01'), score: 1.5e300, visits: -1 },
  ]);
  const dir = tempDir();
  writeMetadata(dir, {
    version: 1,
    connection: ctx.connection,
    entities: [{ name: 'user', key: 'user_id', type: 'int' }],
    groups: [
      {
        name: 'account',
        entity: 'user',
        table: 'accounts',
        event_time: 'updated_at',
        features: [
          { name: 'balance', type: 'float' },
          { name: 'n', type: 'int' },
          { name: 'active', type: 'bool' },
          { name: 'opened', type: 'timestamp' },
        ],
      },
      { name: 'stats', entity: 'user', event_time: 'computed_at', features: [{ name: 'score', type: 'float' }, { name: 'visits', type: 'int' }] },
    ],
  });
  writeFile(
    dir,
    'labels.csv',
    [
      'user_id,event_timestamp',
      '1,2024-01-03',
      '2,2024-01-03',
      '3,2024-01-07',
      '4,2023-12-31',
      '1,2024-01-05',
      '9,2024-01-07',
      '2,2024-01-01',
      '3,2024-01-03',
      '4,2024-01-04',
      '1,2024-01-01 12:00:00',
    ].join('\n') + '\n',
  );
  return dir;
}

const HEADER = 'user_id,event_timestamp,balance,n,active,opened,score,visits';
const ROWS = [
  '1,2024-01-03,0.30000000000000004,9007199254740991,true,2023-05-06T07:08:09.010Z,0.000001,1',
  '2,2024-01-03,,0,,2020-02-29T00:00:00.000Z,123456789.125,',
  '3,2024-01-07,1e+21,42,true,1969-12-31T23:59:59.999Z,-0.5,100',
  // before any row of key 4
  '4,2023-12-31,,,,,,',
  // from here on, values copied from the text written ahead
  '1,2024-01-05,-1234.5,-3,false,,0.000001,1',
  // a key with no rows
  '9,2024-01-07,,,,,,',
  '2,2024-01-01,,,,,123456789.125,',
  '3,2024-01-03,1e+21,42,true,1969-12-31T23:59:59.999Z,,',
  '4,2024-01-04,2.5e-8,7,false,2024-01-04T00:00:00.000Z,1.5e+300,-1',
  '1,2024-01-01 12:00:00,0.30000000000000004,9007199254740991,true,2023-05-06T07:08:09.010Z,,',
];
const EXPECTED = [HEADER, ...ROWS].join('\n') + '\n';

describeEngines('join: CSV text written ahead by merge workers', (ctx) => {
  it('to a file: byte for byte the values, whichever thread wrote them', async () => {
    const dir = await world(ctx());
    const r = await runCli(['join', '--input-file', 'labels.csv', '--feature', 'account.*,stats.*', '--strategy', 'merge', '--output', 'out.csv'], { cwd: dir });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(readFileSync(join(dir, 'out.csv'), 'utf8')).toBe(EXPECTED);
  });

  it('to stdout, from the binary', async () => {
    const dir = await world(ctx());
    const r = await runCliProcess(['join', '--input-file', 'labels.csv', '--feature', 'account.*,stats.*', '--strategy', 'merge'], { cwd: dir });
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe(EXPECTED);
    expect(r.code).toBe(0);
  }, 60_000);

  // Features requested out of their group's order: the text's order is not the output's,
  // so those values are written from the values themselves.
  it('features in another order than their group', async () => {
    const dir = await world(ctx());
    const r = await runCli(['join', '--input-file', 'labels.csv', '--feature', 'stats.visits,account.opened,account.balance,stats.score', '--strategy', 'merge'], { cwd: dir });
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe(
      [
        'user_id,event_timestamp,visits,opened,balance,score',
        '1,2024-01-03,1,2023-05-06T07:08:09.010Z,0.30000000000000004,0.000001',
        '2,2024-01-03,,2020-02-29T00:00:00.000Z,,123456789.125',
        '3,2024-01-07,100,1969-12-31T23:59:59.999Z,1e+21,-0.5',
        '4,2023-12-31,,,,',
        '1,2024-01-05,1,,-1234.5,0.000001',
        '9,2024-01-07,,,,',
        '2,2024-01-01,,,,123456789.125',
        '3,2024-01-03,,1969-12-31T23:59:59.999Z,1e+21,',
        '4,2024-01-04,-1,2024-01-04T00:00:00.000Z,2.5e-8,1.5e+300',
        '1,2024-01-01 12:00:00,,2023-05-06T07:08:09.010Z,0.30000000000000004,',
      ].join('\n') + '\n',
    );
    expect(r.code).toBe(0);
  });
});
