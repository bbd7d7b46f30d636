/**
 * SPEC §7 rule by rule on one small world with readable expected CSV, through the real
 * CLI, on SQLite, PostgreSQL and MariaDB, with both join strategies and export. User 1's
 * payments (amount, loaded at):
 *
 *   2024-01-01 10:00  10    (loaded 01-01 10:05)
 *   2024-01-03 00:00  20    (loaded 01-03 00:00)
 *   2024-01-03 00:00  NULL  (loaded 01-03 01:00: a row, but no value; wins the latest-value tie)
 *   2024-01-07 12:00  5     (loaded 01-09 00:00: --known-at hides it until then)
 *   NULL              1000  (no event time: never counts)
 *
 * User 2 paid 7 on 2024-01-02. The group's ttl (1d) bounds last_amount only.
 */
import { expect, it } from 'vitest';
import { describeEngines, type EngineContext } from '../support/engines.js';
import { at, createTable } from '../support/tables.js';
import { runCli, tempDir, writeFile, writeMetadata } from '../support/cli.js';

async function world(ctx: EngineContext): Promise<string> {
  await createTable(ctx, 'payments', { user_id: 'int', paid_at: 'time', loaded_at: 'time', amount: 'float' }, [
    { user_id: 1, paid_at: at('2024-01-01 10:00'), loaded_at: at('2024-01-01 10:05'), amount: 10 },
    { user_id: 1, paid_at: at('2024-01-03'), loaded_at: at('2024-01-03'), amount: 20 },
    { user_id: 1, paid_at: at('2024-01-03'), loaded_at: at('2024-01-03 01:00'), amount: null },
    { user_id: 1, paid_at: at('2024-01-07 12:00'), loaded_at: at('2024-01-09'), amount: 5 },
    { user_id: 1, paid_at: null, loaded_at: at('2024-01-01'), amount: 1000 },
    { user_id: 2, paid_at: at('2024-01-02'), loaded_at: at('2024-01-02'), amount: 7 },
  ]);
  const dir = tempDir();
  writeMetadata(dir, {
    version: 1,
    connection: ctx.connection,
    entities: [{ name: 'user', key: 'user_id', type: 'int' }],
    groups: [
      {
        name: 'txn',
        entity: 'user',
        table: 'payments',
        event_time: 'paid_at',
        created_time: 'loaded_at',
        ttl: '1d',
        features: [
          { name: 'n_7d', type: 'int', aggregate: 'count', window: '7d' },
          { name: 'amounts_7d', type: 'int', column: 'amount', aggregate: 'count', window: '7d' },
          { name: 'sum_3d', type: 'float', column: 'amount', aggregate: 'sum', window: '3d' },
          { name: 'avg_7d', type: 'float', column: 'amount', aggregate: 'avg', window: '7d' },
          { name: 'max_7d', type: 'float', column: 'amount', aggregate: 'max', window: '7d' },
          { name: 'last_amount', type: 'float', column: 'amount' },
        ],
      },
    ],
  });
  writeFile(
    dir,
    'labels.csv',
    [
      'id,user_id,event_timestamp',
      'L1,1,2024-01-01 09:59:59.999',
      'L2,1,2024-01-01 10:00:00',
      'L3,1,2024-01-04T10:00:00Z',
      'L4,1,2024-01-08 09:59:59.999',
      'L5,1,2024-01-08 10:00:00',
      'L6,1,2024-01-20',
      'L7,3,2024-01-04',
      'L8,2,2024-01-02',
    ].join('\n') + '\n',
  );
  return dir;
}

// Requested out of metadata order, a plain feature between aggregates: columns come as requested.
const FEATURES = ['--feature', 'txn.n_7d,txn.amounts_7d,txn.last_amount,txn.sum_3d,txn.avg_7d,txn.max_7d'];
const HEADER = 'id,user_id,event_timestamp,n_7d,amounts_7d,last_amount,sum_3d,avg_7d,max_7d';

const EXPECTED_JOIN = [
  HEADER,
  // one millisecond before the first payment: an empty window counts 0, the rest are empty
  'L1,1,2024-01-01 09:59:59.999,0,0,,,,',
  // exactly on the payment's time: it counts (e <= t)
  'L2,1,2024-01-01 10:00:00,1,1,10,10,10,10',
  // the 10 is exactly 3 days old: out of sum_3d (t - window < e), still in the 7d window;
  // the NULL amount is a row (n_7d) but not a value; last_amount is past its 1d ttl
  'L3,1,2024-01-04T10:00:00Z,3,2,,20,15,20',
  // the 10 is one millisecond short of 7 days old: still in
  'L4,1,2024-01-08 09:59:59.999,4,3,5,5,11.666666666666666,20',
  // …and exactly 7 days old: out
  'L5,1,2024-01-08 10:00:00,3,2,5,5,12.5,20',
  // every payment is older than the window: counts decay to 0 (pandas' rolling + merge_asof
  // would still report the window ending at the last payment, 01-07 12:00: see the README)
  'L6,1,2024-01-20,0,0,,,,',
  // a key with no rows at all
  'L7,3,2024-01-04,0,0,,,,',
  'L8,2,2024-01-02,1,1,7,7,7,7',
].join('\n') + '\n';

// --known-at: the 5, loaded on 01-09, was not known on 01-08.
const EXPECTED_KNOWN_AT_L4 = 'L4,1,2024-01-08 09:59:59.999,3,2,,,15,20';

describeEngines('windowed aggregate examples (SPEC §7)', (ctx) => {
  for (const strategy of ['merge', 'database'] as const) {
    it(`join computes each label's window (--strategy ${strategy})`, async () => {
      const dir = await world(ctx());
      const r = await runCli(['join', '--input-file', 'labels.csv', ...FEATURES, '--strategy', strategy], { cwd: dir });
      expect(r.stderr).toBe('');
      expect(r.stdout).toBe(EXPECTED_JOIN);
      expect(r.code).toBe(0);
      const k = await runCli(['join', '--input-file', 'labels.csv', ...FEATURES, '--strategy', strategy, '--known-at'], { cwd: dir });
      expect(k.stdout.split('\n')[4]).toBe(EXPECTED_KNOWN_AT_L4);
      if (strategy === 'merge') {
        // Over 3 key-hash partitions, where the group's one scan is spilled and replayed for both reads.
        const p = await runCli(['join', '--input-file', 'labels.csv', ...FEATURES, '--strategy', strategy, '--partitions', '3'], { cwd: dir });
        expect([p.code, p.stderr, p.stdout]).toEqual([0, '', EXPECTED_JOIN]);
      }
    });
  }

  it('export gives each key its aggregates at the snapshot, and lists a key with a row in a requested window', async () => {
    const dir = await world(ctx());
    const e = await runCli(['export', ...FEATURES, '--snapshot-date', '2024-01-08 10:00:00'], { cwd: dir });
    expect(e.stderr).toBe('');
    // user 2's payment is 6 days old: in the 7d window, so user 2 is listed; last_amount is past its ttl
    expect(e.stdout).toBe(['user_id,n_7d,amounts_7d,last_amount,sum_3d,avg_7d,max_7d', '1,3,2,5,5,12.5,20', '2,1,1,,,7,7', ''].join('\n'));
    // Only the 3d sum requested: user 2 has no row in that window and is not listed.
    const short = await runCli(['export', '--feature', 'txn.sum_3d', '--snapshot-date', '2024-01-08 10:00:00'], { cwd: dir });
    expect(short.stdout).toBe('user_id,sum_3d\n1,5\n');
    const known = await runCli(['export', '--feature', 'txn.n_7d,txn.sum_3d', '--snapshot-date', '2024-01-08 09:59:59.999', '--known-at'], { cwd: dir });
    expect(known.stdout).toBe('user_id,n_7d,sum_3d\n1,3,\n2,1,\n');
  });

  it('labels from a query (--input-query) give the same windows on both strategies, in §8 order', async () => {
    const dir = await world(ctx());
    // The labels of labels.csv in one text form, and a duplicate of L3 (it must not count a row twice).
    const labels = [
      ['L5', 1, '2024-01-08 10:00:00'],
      ['L1', 1, '2024-01-01 09:59:59.999'],
      ['L3b', 1, '2024-01-04 10:00:00'],
      ['L7', 3, '2024-01-04 00:00:00'],
      ['L2', 1, '2024-01-01 10:00:00'],
      ['L4', 1, '2024-01-08 09:59:59.999'],
      ['L8', 2, '2024-01-02 00:00:00'],
      ['L6', 1, '2024-01-20 00:00:00'],
      ['L3', 1, '2024-01-04 10:00:00'],
    ] as const;
    await createTable(ctx(), 'lbl', { id: 'string', user_id: 'int', event_timestamp: 'string' }, labels.map(([id, user_id, event_timestamp]) => ({ id, user_id, event_timestamp })));
    const query = ['--input-query', 'SELECT id, user_id, event_timestamp FROM lbl', ...FEATURES];
    const expected = [
      HEADER,
      'L1,1,2024-01-01 09:59:59.999,0,0,,,,',
      'L2,1,2024-01-01 10:00:00,1,1,10,10,10,10',
      'L8,2,2024-01-02 00:00:00,1,1,7,7,7,7',
      'L7,3,2024-01-04 00:00:00,0,0,,,,',
      'L3,1,2024-01-04 10:00:00,3,2,,20,15,20',
      'L3b,1,2024-01-04 10:00:00,3,2,,20,15,20',
      'L4,1,2024-01-08 09:59:59.999,4,3,5,5,11.666666666666666,20',
      'L5,1,2024-01-08 10:00:00,3,2,5,5,12.5,20',
      'L6,1,2024-01-20 00:00:00,0,0,,,,',
      '',
    ].join('\n');
    for (const strategy of ['merge', 'database'] as const) {
      const r = await runCli(['join', ...query, '--strategy', strategy], { cwd: dir });
      expect([strategy, r.code, r.stderr, r.stdout]).toEqual([strategy, 0, '', expected]);
      // --known-at: the 5, loaded on 01-09, was not known on 01-08.
      const k = await runCli(['join', ...query, '--strategy', strategy, '--known-at'], { cwd: dir });
      expect([strategy, k.stdout.split('\n')[7]]).toEqual([strategy, 'L4,1,2024-01-08 09:59:59.999,3,2,,,15,20']);
    }
    // One statement: the labels query sits inside the range join the database runs.
    const plan = await runCli(['join', ...query, '--strategy', 'database', '--dry-run'], { cwd: dir });
    expect(plan.code).toBe(0);
    expect(plan.stdout).toMatch(/sql: [^\n]*\n\s+WITH .*SELECT id, user_id, event_timestamp FROM lbl/s);
    expect(plan.stdout).toContain('GROUP BY');
  });

  it('--dry-run shows the aggregate SQL, the window of each feature and reads no data', async () => {
    const dir = await world(ctx());
    const r = await runCli(['join', '--input-file', 'labels.csv', '--feature', 'txn.sum_3d,txn.n_7d', '--strategy', 'database', '--dry-run'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('operation: aggregates over windows');
    expect(r.stdout).toContain('txn.sum_3d = sum(amount) over 3d');
    expect(r.stdout).toContain('txn.n_7d = count(*) over 1w');
    expect(r.stdout).toMatch(/SUM\(CASE WHEN .* THEN .*__f0.* END\)/);
    expect(r.stdout).toContain('LEFT JOIN');
    expect(r.stdout).toContain('GROUP BY');
    // The merge scans a group once for its plain features and its aggregates together.
    const m = await runCli(['join', '--input-file', 'labels.csv', ...FEATURES, '--strategy', 'merge', '--dry-run'], { cwd: dir });
    expect(m.code).toBe(0);
    expect(m.stdout.match(/^ {4}sql: /gm)).toHaveLength(1);
    expect(m.stdout).toContain('    operation: latest value\n    features:\n      - txn.last_amount\n    ttl: 1d\n    scan: "shared: the group\'s aggregates read computes these features from its scan"\n');
  });
});
