/**
 * A column or table that disappears after the metadata was written is reported in the
 * metadata's words — group, feature, table, column — with a pointer to `validate`, not
 * as the engine's message about an internal alias (`column src.txn_cnt_7d does not
 * exist`). Each engine's own error (SQLite "no such column/table", PostgreSQL 42703/42P01,
 * MariaDB 1054/1146) is mapped, for export and both join strategies.
 */
import { expect, it } from 'vitest';
import { DatabaseError, openSpellbook, SpellbookError } from 'spellbook-feature-store';
import { runCli, tempDir, writeFile, writeMetadata } from '../support/cli.js';
import { describeEngines, type EngineContext } from '../support/engines.js';
import { at, createTable } from '../support/tables.js';

const HINT = '(the database no longer matches the metadata: spellbook validate lists every difference)';

async function setup(ctx: EngineContext): Promise<{ metadata: string; labels: string }> {
  await createTable(ctx, 'txns', { user_id: 'int', updated_at: 'time', txn_cnt_7d: 'int', amount: 'float' }, [
    { user_id: 1, updated_at: at('2024-01-01'), txn_cnt_7d: 3, amount: 1.5 },
  ]);
  const dir = tempDir();
  const metadata = writeMetadata(dir, {
    version: 1,
    connection: ctx.connection,
    entities: [{ name: 'user', key: 'user_id', type: 'int' }],
    groups: [
      {
        name: 'txn_stats',
        entity: 'user',
        table: 'txns',
        event_time: 'updated_at',
        features: [
          { name: 'count_7d', type: 'int', column: 'txn_cnt_7d' },
          { name: 'amount', type: 'float' },
        ],
      },
    ],
  });
  const labels = writeFile(dir, 'labels.csv', 'user_id,event_timestamp\n1,2024-01-02\n');
  return { metadata, labels };
}

function runs(metadata: string, labels: string): [string, string[]][] {
  const features = ['--feature', 'txn_stats.count_7d,txn_stats.amount'];
  return [
    ['export', ['export', '-m', metadata, ...features, '--snapshot-date', '2024-01-02']],
    ['join (merge)', ['join', '-m', metadata, ...features, '-i', labels, '--strategy', 'merge']],
    ['join (database)', ['join', '-m', metadata, ...features, '-i', labels, '--strategy', 'database']],
  ];
}

describeEngines('a table or column missing at run time', (ctx) => {
  it('a dropped feature column names the group, feature, table and column, and suggests validate', async () => {
    const { metadata, labels } = await setup(ctx());
    await ctx().admin.schema.alterTable('txns', (t) => t.dropColumn('txn_cnt_7d'));
    for (const [what, args] of runs(metadata, labels)) {
      const r = await runCli(args);
      expect([what, r.code, r.stdout, r.stderr]).toEqual([
        what,
        1,
        '',
        `Error: group txn_stats, feature count_7d: column txns.txn_cnt_7d does not exist ${HINT}\n`,
      ]);
    }
  });

  it('the library keeps the place as properties of the DatabaseError', async () => {
    const { metadata } = await setup(ctx());
    await ctx().admin.schema.alterTable('txns', (t) => t.dropColumn('txn_cnt_7d'));
    const book = await openSpellbook({ metadata });
    try {
      const err = await (async () => {
        for await (const _ of book.export({ features: ['txn_stats.*'], snapshot: '2024-01-02' }));
      })().then(() => undefined, (e: unknown) => e);
      expect(err).toBeInstanceOf(DatabaseError);
      expect((err as SpellbookError).location).toEqual({ group: 'txn_stats', feature: 'count_7d', table: 'txns', column: 'txn_cnt_7d' });
    } finally {
      await book.close();
    }
  });

  it('a renamed event time column is named as the group\'s event_time', async () => {
    const { metadata, labels } = await setup(ctx());
    await ctx().admin.schema.alterTable('txns', (t) => t.renameColumn('updated_at', 'changed_at'));
    for (const [what, args] of runs(metadata, labels)) {
      const r = await runCli(args);
      expect([what, r.code, r.stderr]).toEqual([what, 1, `Error: group txn_stats, event_time: column txns.updated_at does not exist ${HINT}\n`]);
    }
  });

  it('a renamed table names the group and its table', async () => {
    const { metadata, labels } = await setup(ctx());
    await ctx().admin.schema.renameTable('txns', 'txns_old');
    for (const [what, args] of runs(metadata, labels)) {
      const r = await runCli(args);
      expect([what, r.code, r.stderr]).toEqual([what, 1, `Error: group txn_stats: table txns does not exist ${HINT}\n`]);
    }
  });
});
