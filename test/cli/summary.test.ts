/**
 * The end-of-run summary (issue 9): on stderr (on a terminal, or with --summary; never
 * with --quiet), never on stdout — rows
 * written, where, time taken, per group how many labels matched a row (join) or keys were
 * exported (export), and the --key values that matched nothing. The counts come from the
 * library's RunStats, which the row stream fills; the library test checks them directly.
 */
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { openSpellbook } from 'spellbook-feature-store';
import { runCli, tempDir, writeFile, writeMetadata } from '../support/cli.js';
import { describeEngines, type EngineContext } from '../support/engines.js';
import { at, createTable } from '../support/tables.js';

async function world(ctx: EngineContext): Promise<{ dir: string; metadata: string; labels: string }> {
  await createTable(ctx, 'accounts', { user_id: 'int', updated_at: 'time', balance: 'float' }, [
    { user_id: 1, updated_at: at('2024-01-01'), balance: 10 },
    { user_id: 2, updated_at: at('2024-01-03'), balance: 20 },
  ]);
  await createTable(ctx, 'profiles', { user_id: 'int', vip: 'bool' }, [{ user_id: 1, vip: true }]);
  const dir = tempDir();
  const metadata = writeMetadata(dir, {
    version: 1,
    connection: ctx.connection,
    entities: [{ name: 'user', key: 'user_id', type: 'int' }],
    groups: [
      { name: 'account', entity: 'user', table: 'accounts', event_time: 'updated_at', features: [{ name: 'balance', type: 'float' }] },
      { name: 'profile', entity: 'user', table: 'profiles', features: [{ name: 'vip', type: 'bool' }] },
    ],
  });
  // Label 2 is before user 2's first row; user 3 has no row anywhere; only user 1 has a profile.
  const labels = writeFile(dir, 'labels.csv', 'user_id,event_timestamp\n1,2024-01-02\n2,2024-01-02\n2,2024-01-04\n3,2024-01-04\n');
  return { dir, metadata, labels };
}

/** The summary with its one varying part, the time taken, replaced by `T`. */
function summary(stderr: string): string {
  return stderr.replace(/ in \d+\.\ds\n/, ' in Ts\n');
}

describeEngines('end-of-run summary', (ctx) => {
  it('join: rows, where, time, and per group the labels that matched a row; stdout holds data only', async () => {
    const { dir, metadata, labels } = await world(ctx());
    for (const strategy of ['merge', 'database']) {
      const r = await runCli(['join', '-m', metadata, '-i', labels, '-f', 'account.balance,profile.vip', '--strategy', strategy, '--summary']);
      expect([r.code, r.stdout]).toEqual([0, 'user_id,event_timestamp,balance,vip\n1,2024-01-02,10,true\n2,2024-01-02,,\n2,2024-01-04,20,\n3,2024-01-04,,\n']);
      expect(summary(r.stderr)).toBe('join: 4 rows written to stdout in Ts\n  account: 2 of 4 labels matched a row\n  profile: 1 of 4 labels matched a row\n');
    }
    const out = join(dir, 'train.jsonl');
    const file = await runCli(['join', '-m', metadata, '-i', labels, '-f', 'account.balance', '-o', out, '--summary']);
    expect([file.code, file.stdout, summary(file.stderr)]).toEqual([0, '', `join: 4 rows written to ${out} in Ts\n  account: 2 of 4 labels matched a row\n`]);
    const quiet = await runCli(['join', '-m', metadata, '-i', labels, '-f', 'account.balance', '--summary', '--quiet']);
    expect([quiet.code, quiet.stderr]).toEqual([0, '']);
    // Not a terminal and no --summary: a script's stderr stays empty.
    const piped = await runCli(['join', '-m', metadata, '-i', labels, '-f', 'account.balance']);
    expect([piped.code, piped.stderr]).toEqual([0, '']);
  });

  it('export: keys exported per group, and the --key values that matched nothing are named', async () => {
    const { metadata } = await world(ctx());
    const all = await runCli(['export', '-m', metadata, '-f', 'account.balance,profile.vip', '-t', '2024-01-02', '--summary']);
    expect([all.code, all.stdout]).toEqual([0, 'user_id,balance,vip\n1,10,true\n']);
    expect(summary(all.stderr)).toBe('export: 1 row written to stdout in Ts\n  account: 1 key exported\n  profile: 1 key exported\n');
    const keys = await runCli(['export', '-m', metadata, '-f', 'account.balance', '-t', '2024-01-04', '--key', '2', '--key', '7', '--key', '3', '--summary']);
    expect([keys.code, keys.stdout]).toEqual([0, 'user_id,balance\n2,20\n']);
    expect(summary(keys.stderr)).toBe('export: 1 row written to stdout in Ts\n  account: 1 key exported\n  --key matched nothing: 7; 3\n');
  });

  it('the library fills the same counts as rows are iterated', async () => {
    const { metadata, labels } = await world(ctx());
    const book = await openSpellbook({ metadata });
    try {
      const joined = book.join({ features: ['account.balance', 'profile.vip'], inputFile: labels });
      for await (const _ of joined);
      expect({ ...joined.stats }).toEqual({ rows: 4, groups: [{ group: 'account', matched: 2 }, { group: 'profile', matched: 1 }], unmatchedKeys: [] });
      const exported = book.export({ features: ['account.balance'], snapshot: '2024-01-04', keys: [1, 9] });
      for await (const _ of exported);
      expect({ ...exported.stats }).toEqual({ rows: 1, groups: [{ group: 'account', matched: 1 }], unmatchedKeys: [[9]] });
    } finally {
      await book.close();
    }
  });
});
