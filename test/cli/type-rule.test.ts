/**
 * One type rule for every output format (issue 9): a value its declared type cannot hold
 * ("frozen" in a text column declared int) fails the run — exit 1, one line naming the
 * group, feature, table, column and value, no output file — in CSV and JSONL exactly as
 * in Parquet, for export and both join strategies.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { runCli, tempDir, writeFile, writeMetadata } from '../support/cli.js';
import { describeEngines, type EngineContext } from '../support/engines.js';
import { at, createTable } from '../support/tables.js';

async function setup(ctx: EngineContext, status: string): Promise<{ dir: string; metadata: string; labels: string }> {
  await createTable(ctx, 'accounts', { user_id: 'int', updated_at: 'time', status: 'text' }, [
    { user_id: 1, updated_at: at('2024-01-01'), status: '7' },
    { user_id: 2, updated_at: at('2024-01-01'), status },
  ]);
  const dir = tempDir();
  const metadata = writeMetadata(dir, {
    version: 1,
    connection: ctx.connection,
    entities: [{ name: 'user', key: 'user_id', type: 'int' }],
    groups: [{ name: 'account', entity: 'user', table: 'accounts', event_time: 'updated_at', features: [{ name: 'state', type: 'int', column: 'status' }] }],
  });
  const labels = writeFile(dir, 'labels.csv', 'user_id,event_timestamp\n1,2024-01-02\n2,2024-01-02\n');
  return { dir, metadata, labels };
}

describeEngines('one type rule for all formats', (ctx) => {
  it('a text value in an int feature fails csv, jsonl and parquet alike, and writes nothing', async () => {
    const { dir, metadata, labels } = await setup(ctx(), 'frozen');
    const out = tempDir();
    const message =
      'Error: group account, feature state: "frozen" in column accounts.status is not an int, the feature\'s declared type (spellbook validate checks the column types)\n';
    for (const format of ['csv', 'jsonl', 'parquet']) {
      const file = join(out, `out.${format}`);
      const runs = [
        ['export', '-m', metadata, '-f', 'account.state', '-t', '2024-01-02', '-o', file],
        ['join', '-m', metadata, '-f', 'account.state', '-i', labels, '--strategy', 'merge', '-o', file],
        ['join', '-m', metadata, '-f', 'account.state', '-i', labels, '--strategy', 'database', '-o', file],
      ];
      for (const args of runs) {
        const r = await runCli(args);
        expect([args.join(' '), r.code, r.stdout, r.stderr]).toEqual([args.join(' '), 1, '', message]);
        expect(existsSync(file)).toBe(false);
      }
    }
    expect(readdirSync(out)).toEqual([]);
    // To stdout the same: nothing but the error.
    const piped = await runCli(['export', '-m', metadata, '-f', 'account.state', '-t', '2024-01-02']);
    expect([piped.code, piped.stdout, piped.stderr]).toEqual([1, '', message]);
    expect(readdirSync(dir).sort()).toEqual(['labels.csv', 'metadata.yml']);
  });

  it('a value the type holds passes in every format: integer text is an int', async () => {
    const { metadata } = await setup(ctx(), '12');
    const csv = await runCli(['export', '-m', metadata, '-f', 'account.state', '-t', '2024-01-02']);
    expect([csv.code, csv.stdout]).toEqual([0, 'user_id,state\n1,7\n2,12\n']);
    const jsonl = await runCli(['export', '-m', metadata, '-f', 'account.state', '-t', '2024-01-02', '--format', 'jsonl']);
    expect([jsonl.code, jsonl.stdout]).toEqual([0, '{"user_id":1,"state":7}\n{"user_id":2,"state":12}\n']);
  });

  it('an aggregate over a value its type cannot hold fails the same way in the window merge, the database and export', async () => {
    const { metadata: plain, labels } = await setup(ctx(), 'frozen');
    // The same table, with the feature as the largest status over two days.
    const metadata = writeMetadata(tempDir(), {
      version: 1,
      connection: ctx().connection,
      entities: [{ name: 'user', key: 'user_id', type: 'int' }],
      groups: [{ name: 'account', entity: 'user', table: 'accounts', event_time: 'updated_at', features: [{ name: 'top', type: 'int', column: 'status', aggregate: 'max', window: '2d' }] }],
    });
    expect(plain).not.toBe(metadata);
    const message =
      'Error: group account, feature top: "frozen" in column accounts.status is not an int, the feature\'s declared type (spellbook validate checks the column types)\n';
    const runs = [
      ['join', '-m', metadata, '-f', 'account.top', '-i', labels, '--strategy', 'merge'],
      ['join', '-m', metadata, '-f', 'account.top', '-i', labels, '--strategy', 'database'],
      ['export', '-m', metadata, '-f', 'account.top', '-t', '2024-01-02'],
    ];
    for (const args of runs) {
      const r = await runCli(args);
      expect([args.join(' '), r.code, r.stdout, r.stderr]).toEqual([args.join(' '), 1, '', message]);
    }
  });
});
