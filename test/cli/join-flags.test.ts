/**
 * The labels-file flags of `join` (SPEC §3) on every engine, and their usage errors, which
 * are found before any database is opened: those run once, against a server that is not there.
 */
import { describe, expect, it } from 'vitest';
import { describeEngines, type EngineContext } from '../support/engines.js';
import { at, createTable } from '../support/tables.js';
import { runCli, tempDir, writeFile, writeMetadata } from '../support/cli.js';

async function world(ctx: EngineContext): Promise<string> {
  await createTable(ctx, 'balances', { user_id: 'int', t: 'time', balance: 'float' }, [
    { user_id: 7, t: at('2024-01-01'), balance: 70 },
    { user_id: 8, t: at('2024-01-01'), balance: 80 },
  ]);
  await createTable(ctx, 'pairs', { a: 'int', b: 'string', t: 'time', v: 'string' }, [{ a: 7, b: 'x', t: at('2024-01-01'), v: 'seven-x' }]);
  return folder(ctx.connection);
}

/** A folder holding metadata.yml for the two groups, reaching the database through `connection`. */
function folder(connection: unknown): string {
  const dir = tempDir();
  writeMetadata(dir, {
    version: 1,
    connection,
    entities: [
      { name: 'user', key: 'user_id', type: 'int' },
      { name: 'pair', key: ['a', 'b'], type: ['int', 'string'] },
    ],
    groups: [
      { name: 'account', entity: 'user', table: 'balances', event_time: 't', features: [{ name: 'balance', type: 'float' }] },
      { name: 'pair_info', entity: 'pair', table: 'pairs', event_time: 't', features: [{ name: 'v', type: 'string' }] },
    ],
  });
  return dir;
}

describeEngines('join flags', (ctx) => {
  it('--delimiter reads ;- and tab-separated labels; without it the hint names the flag', async () => {
    const dir = await world(ctx());
    writeFile(dir, 'semi.csv', 'user_id;event_timestamp\n7;2024-01-02\n');
    writeFile(dir, 'tab.csv', 'user_id\tevent_timestamp\n8\t2024-01-02\n');
    const semi = await runCli(['join', '-i', 'semi.csv', '-f', 'account.balance', '--delimiter', ';'], { cwd: dir });
    expect([semi.code, semi.stderr, semi.stdout]).toEqual([0, '', 'user_id,event_timestamp,balance\n7,2024-01-02,70\n']);
    const tab = await runCli(['join', '-i', 'tab.csv', '-f', 'account.balance', '-d', 'tab'], { cwd: dir });
    expect([tab.code, tab.stderr, tab.stdout]).toEqual([0, '', 'user_id,event_timestamp,balance\n8,2024-01-02,80\n']);
    const noSemi = await runCli(['join', '-i', 'semi.csv', '-f', 'account.balance'], { cwd: dir });
    expect([noSemi.code, noSemi.stderr]).toEqual([2, `Error: semi.csv:1: missing timestamp column "event_timestamp" (the header is one column holding ";": the file looks ;-separated, pass --delimiter ';')\n`]);
    const noTab = await runCli(['join', '-i', 'tab.csv', '-f', 'account.balance'], { cwd: dir });
    expect([noTab.code, noTab.stderr]).toEqual([2, 'Error: tab.csv:1: missing timestamp column "event_timestamp" (the header is one column holding "\\t": the file looks tab-separated, pass --delimiter tab)\n']);
  });

  it('--entity-column maps other column names, also for a composite key; --timestamp-column names the time', async () => {
    const dir = await world(ctx());
    writeFile(dir, 'labels.csv', 'customer,left,right,ts\n7,7,x,2024-01-02\n8,8,x,2024-01-02\n');
    const r = await runCli(
      ['join', '--input-file', 'labels.csv', '--feature', 'account.balance,pair_info.v', '--entity-column', 'user=customer', '--entity-column', 'pair=left,right', '--timestamp-column', 'ts'],
      { cwd: dir },
    );
    expect([r.code, r.stderr, r.stdout]).toEqual([0, '', 'customer,left,right,ts,balance,v\n7,7,x,2024-01-02,70,seven-x\n8,8,x,2024-01-02,80,\n']);
  });

  it('--timestamp-unit reads integer epochs', async () => {
    const dir = await world(ctx());
    const day2 = Date.UTC(2024, 0, 2);
    writeFile(dir, 's.csv', `user_id,event_timestamp\n7,${day2 / 1000}\n7,${Date.UTC(2023, 11, 31) / 1000}\n`);
    writeFile(dir, 'ms.csv', `user_id,event_timestamp\n7,${day2}\n`);
    const s = await runCli(['join', '--input-file', 's.csv', '--feature', 'account.balance', '--timestamp-unit', 's'], { cwd: dir });
    expect(s.stdout).toBe(`user_id,event_timestamp,balance\n7,${day2 / 1000},70\n7,${Date.UTC(2023, 11, 31) / 1000},\n`);
    const ms = await runCli(['join', '--input-file', 'ms.csv', '--feature', 'account.balance', '--timestamp-unit', 'ms'], { cwd: dir });
    expect(ms.stdout).toBe(`user_id,event_timestamp,balance\n7,${day2},70\n`);
    const bad = await runCli(['join', '--input-file', 's.csv', '--feature', 'account.balance'], { cwd: dir });
    expect([bad.code, bad.stderr]).toEqual([2, `Error: s.csv:2: event_timestamp: "${day2 / 1000}" is not a timestamp (expected ISO 8601 like 2024-03-01 or 2024-03-01T12:00:00Z; it looks like an epoch in seconds: pass --timestamp-unit s)\n`]);
  });

  it('--full-names keeps an input column and the feature of the same name apart', async () => {
    const dir = await world(ctx());
    writeFile(dir, 'labels.csv', 'customer,event_timestamp,balance\n7,2024-01-02,1\n');
    const full = await runCli(['join', '--input-file', 'labels.csv', '--feature', 'account.balance', '--entity-column', 'user=customer', '--full-names'], { cwd: dir });
    expect(full.stdout).toBe('customer,event_timestamp,balance,account.balance\n7,2024-01-02,1,70\n');
  });
});

// Port 1 refuses every connection: a case that touched the database would end in a
// database error (exit 1), not in the usage error it expects.
const NO_SERVER = { client: 'pg', connection: 'postgres://nobody@127.0.0.1:1/none' };

describe('join and export usage errors, before any database', () => {
  it('usage errors: a missing key column, a wrong --entity-column, unknown and colliding features', async () => {
    const dir = folder(NO_SERVER);
    writeFile(dir, 'labels.csv', 'customer,event_timestamp,balance\n7,2024-01-02,1\n');
    const cases: [string[], string][] = [
      [['--feature', 'account.balance', '--full-names'], 'Error: labels.csv:1: missing column "user_id", the key of entity user (map another column with --entity-column user=COLUMN)\n'],
      [['--feature', 'account.balance', '--entity-column', 'user=customer'], 'Error: feature "account.balance" would be named "balance", which is already a column of the input; use --full-names\n'],
      [['--feature', 'account.balanse'], 'Error: unknown feature "account.balanse" (did you mean "account.balance"?)\n'],
      [['--feature', 'balance'], 'Error: unknown feature "balance" (features are named group.feature: did you mean "account.balance"?)\n'],
      [['--feature', 'account.balance', '--full-names', '--entity-column', 'pair=customer'], 'Error: --entity-column pair=…: entity pair has 2 key column(s) (a, b); give as many, comma-separated\n'],
      [['--feature', 'account.balance', '--full-names', '--entity-column', 'usr=customer'], 'Error: --entity-column names unknown entity "usr" (did you mean "user"?)\n'],
      [['--feature', 'account.balance', '--full-names', '--ttl', 'account=30 days'], 'Error: --ttl account=30 days: expected GROUP=DURATION with a duration like 30d (units s, m, h, d, w)\n'],
    ];
    for (const [args, stderr] of cases) {
      const r = await runCli(['join', '--input-file', 'labels.csv', ...args], { cwd: dir });
      expect([r.code, r.stderr]).toEqual([2, stderr]);
    }
  });

  it('export: features of two entities, and a --key that is not an int', async () => {
    const dir = folder(NO_SERVER);
    const two = await runCli(['export', '--feature', 'account.balance,pair_info.v'], { cwd: dir });
    expect([two.code, two.stderr]).toEqual([2, 'Error: export features must all belong to groups of one entity; got user (account) and pair (pair_info)\n']);
    const key = await runCli(['export', '--feature', 'account.balance', '--key', 'seven'], { cwd: dir });
    expect([key.code, key.stderr]).toEqual([2, 'Error: --key seven: "seven" is not a valid int for user_id\n']);
    const when = await runCli(['export', '--feature', 'account.balance', '--snapshot-date', 'tomorrow'], { cwd: dir });
    expect([when.code, when.stderr]).toEqual([2, 'Error: --snapshot-date: "tomorrow" is not a timestamp (expected ISO 8601 like 2024-03-01 or 2024-03-01T12:00:00Z)\n']);
  });
});
