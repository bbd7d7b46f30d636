/**
 * Every stored form of an event time SPEC §2 allows, through the CLI (in-process) on each engine:
 * native naive timestamps, zone-aware timestamps (PostgreSQL timestamptz, MariaDB
 * TIMESTAMP), integer epochs in s and ms, and a `query:` source computing its own time
 * and composite key. Same rows, same labels: every form must give the same answers.
 */
import { expect, it } from 'vitest';
import { describeEngines, type EngineContext } from '../support/engines.js';
import { at, createTable, type ColumnKind } from '../support/tables.js';
import { runCli, tempDir, writeFile, writeMetadata } from '../support/cli.js';

const ROWS = [
  { k: 1, t: at('2024-01-01 10:00:00.250'), v: 1.5 },
  { k: 1, t: at('2024-01-02 00:00'), v: 2.5 },
  { k: 2, t: at('2024-01-01 23:59:59.999'), v: 3.5 },
];

const LABELS = ['k,event_timestamp', '1,2024-01-01T10:00:00.249Z', '1,2024-01-01 10:00:00.250', '1,2024-01-01T12:00:00+02:00', '1,2024-01-03', '2,2024-01-02'].join('\n') + '\n';
// 12:00+02:00 is 10:00:00.000 UTC: a quarter second before the first row.
const EXPECTED = ['k,event_timestamp,v', '1,2024-01-01T10:00:00.249Z,', '1,2024-01-01 10:00:00.250,1.5', '1,2024-01-01T12:00:00+02:00,', '1,2024-01-03,2.5', '2,2024-01-02,3.5', ''].join('\n');

/**
 * The same instants as ISO 8601 text in SPEC §2's forms: `T` with `Z`, with an offset and
 * with a microsecond fraction, beside the space form.
 */
const ISO_TEXT_ROWS = [
  { k: 1, t: '2024-01-01T10:00:00.250Z', v: 1.5 },
  { k: 1, t: '2024-01-02T02:00:00.000000+02:00', v: 2.5 },
  { k: 2, t: '2024-01-01 23:59:59.999', v: 3.5 },
];

async function check(ctx: EngineContext, kind: ColumnKind, unit?: 's' | 'ms'): Promise<void> {
  const rows = kind === 'text' ? ISO_TEXT_ROWS : unit === 's' ? ROWS.map((r) => ({ ...r, t: Math.floor(r.t / 1000) * 1000 })) : ROWS;
  await createTable(ctx, `f_${kind}`, { k: 'int', t: kind, v: 'float' }, rows);
  const dir = tempDir();
  writeMetadata(dir, {
    version: 1,
    connection: ctx.connection,
    entities: [{ name: 'e', key: 'k', type: 'int' }],
    groups: [{ name: 'g', entity: 'e', table: `f_${kind}`, event_time: 't', ...(unit ? { event_time_unit: unit } : {}), features: [{ name: 'v', type: 'float' }] }],
  });
  writeFile(dir, 'labels.csv', LABELS);
  // Epoch seconds cannot hold the .250: the row at 10:00:00.250 is stored as 10:00:00.000.
  const expected = unit === 's' ? EXPECTED.replace('10:00:00.249Z,\n', '10:00:00.249Z,1.5\n').replace('12:00:00+02:00,\n', '12:00:00+02:00,1.5\n') : EXPECTED;
  for (const strategy of ['merge', 'database']) {
    const r = await runCli(['join', '--input-file', 'labels.csv', '--feature', 'g.v', '--strategy', strategy], { cwd: dir });
    expect([r.code, r.stderr, r.stdout]).toEqual([0, '', expected]);
  }
  const e = await runCli(['export', '--feature', 'g.v', '--snapshot-date', '2024-01-01T23:59:59.999Z'], { cwd: dir });
  expect(e.stdout).toBe('k,v\n1,1.5\n2,3.5\n');
  // One millisecond before key 2's row (stored at 23:59:59.000 when the unit is seconds).
  const justBefore = unit === 's' ? '2024-01-01T23:59:58.999Z' : '2024-01-01T23:59:59.998Z';
  const before = await runCli(['export', '--feature', 'g.v', '--snapshot-date', justBefore], { cwd: dir });
  expect(before.stdout).toBe('k,v\n1,1.5\n');
}

describeEngines('stored time forms', (ctx) => {
  it('naive timestamps (SQLite text, PostgreSQL timestamp, MariaDB DATETIME)', () => check(ctx(), 'time'));
  it('zone-aware timestamps (PostgreSQL timestamptz, MariaDB TIMESTAMP)', () => check(ctx(), 'timestamptz'));
  it('ISO 8601 text with T, Z, offsets and fractions (text and varchar columns)', () => check(ctx(), 'text'));
  it('integer epochs in milliseconds', () => check(ctx(), 'epoch_ms', 'ms'));
  it('integer epochs in seconds', () => check(ctx(), 'epoch_s', 's'));

  it('a query: source with its own time expression and a composite key', async () => {
    const c = ctx();
    await createTable(c, 'events', { a: 'int', b: 'string', t: 'time', amount: 'float' }, [
      { a: 1, b: '12', t: at('2024-01-01 08:00'), amount: 5 },
      { a: 1, b: '12', t: at('2024-01-01 09:00'), amount: 7 },
      { a: 11, b: '2', t: at('2024-01-01 08:00'), amount: 100 },
    ]);
    const dir = tempDir();
    writeMetadata(dir, {
      version: 1,
      connection: c.connection,
      entities: [{ name: 'pair', key: ['a', 'b'], type: ['int', 'string'] }],
      groups: [
        {
          name: 'spend',
          entity: 'pair',
          // The running total as of each event: a window in the source query itself.
          query: 'SELECT a, b, t, SUM(amount) OVER (PARTITION BY a, b ORDER BY t) AS total FROM events -- a trailing comment',
          event_time: 't',
          features: [{ name: 'total', type: 'float' }],
        },
      ],
    });
    writeFile(dir, 'labels.csv', 'a,b,event_timestamp\n1,12,2024-01-01 08:30\n1,12,2024-01-01 09:00\n11,2,2024-01-01 07:00\n11,2,2024-01-02\n');
    for (const strategy of ['merge', 'database']) {
      const r = await runCli(['join', '--input-file', 'labels.csv', '--feature', 'spend.total', '--strategy', strategy], { cwd: dir });
      expect([r.code, r.stderr, r.stdout]).toEqual([0, '', 'a,b,event_timestamp,total\n1,12,2024-01-01 08:30,5\n1,12,2024-01-01 09:00,12\n11,2,2024-01-01 07:00,\n11,2,2024-01-02,100\n']);
    }
  });
});
