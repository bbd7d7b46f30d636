/**
 * `import --create-table` also creates the index that finds a key's rows in time order,
 * (key, event time), so that afterwards `join --strategy auto` may choose the database
 * strategy where the rules say so (plan.ts: few labels, and an index led by the key on
 * SQLite and MariaDB; PostgreSQL hash-joins either way). Checked in each engine's catalog.
 */
import { expect, it } from 'vitest';
import { runCli, tempDir, writeFile, writeMetadata } from '../support/cli.js';
import { describeEngines, type EngineContext } from '../support/engines.js';
import { IMPORT_REFUSAL } from './helpers.js';

/** The columns of each index of `table`, in index order, from the engine's own catalog. */
async function indexes(ctx: EngineContext, table: string): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {};
  const add = (index: string, column: string) => (out[index] ??= []).push(column);
  if (ctx.engine === 'sqlite') {
    const rows = (await ctx.admin.raw(`SELECT l.name AS idx, i.name AS col FROM pragma_index_list(?) AS l JOIN pragma_index_info(l.name) AS i ORDER BY l.name, i.seqno`, [table])) as { idx: string; col: string }[];
    for (const r of rows) add(r.idx, r.col);
  } else if (ctx.engine === 'postgres') {
    const r = await ctx.admin.raw(
      `SELECT i.relname AS idx, a.attname AS col FROM pg_index x JOIN pg_class t ON t.oid = x.indrelid JOIN pg_class i ON i.oid = x.indexrelid
       JOIN LATERAL unnest(x.indkey) WITH ORDINALITY AS k(attnum, n) ON true JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum
       WHERE t.relname = ? AND t.relnamespace = current_schema()::regnamespace ORDER BY i.relname, k.n`,
      [table],
    );
    for (const row of r.rows as { idx: string; col: string }[]) add(row.idx, row.col);
  } else {
    const [rows] = await ctx.admin.raw(`SELECT INDEX_NAME AS idx, COLUMN_NAME AS col FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ? ORDER BY INDEX_NAME, SEQ_IN_INDEX`, [table]);
    for (const row of rows as { idx: string; col: string }[]) add(row.idx, row.col);
  }
  return out;
}

async function setup(ctx: EngineContext): Promise<{ dir: string; metadata: string; labels: string; data: string }> {
  const dir = tempDir();
  const metadata = writeMetadata(dir, {
    version: 1,
    connection: ctx.connection,
    entities: [{ name: 'merchant', key: 'merchant_id' }],
    groups: [{ name: 'risk', entity: 'merchant', table: 'risk_scores', event_time: 'updated_at', features: [{ name: 'score', type: 'float' }] }],
  });
  const data = writeFile(dir, 'risk.csv', 'merchant_id,updated_at,score\nm1,2024-01-01,0.5\nm2,2024-01-02,0.7\n');
  const labels = writeFile(dir, 'labels.csv', 'merchant_id,event_timestamp\nm1,2024-01-03\n');
  return { dir, metadata, labels, data };
}

async function strategy(metadata: string, labels: string): Promise<string> {
  const r = await runCli(['join', '-m', metadata, '-i', labels, '-f', 'risk.score', '--dry-run']);
  expect(r.code, r.stderr).toBe(0);
  return /^strategy: (\w+)$/m.exec(r.stdout)![1]!;
}

describeEngines('import --create-table creates the (key, event time) index', (ctx, engine) => {
  // Where import refuses the engine there is no table to index (test/import/import.test.ts).
  const refused = IMPORT_REFUSAL[engine] !== null;
  it.skipIf(refused)('the index exists in the catalog, the output says so, and auto then chooses the database join', async () => {
    const { metadata, labels, data } = await setup(ctx());
    const r = await runCli(['import', '-m', metadata, '-g', 'risk', '-i', data, '--create-table']);
    expect([r.code, r.stdout, r.stderr]).toEqual([
      0,
      '2 rows written to risk_scores (table created, with index risk_scores_key_time on (merchant_id, updated_at) for lookups by key and time)\n',
      '',
    ]);
    expect(await indexes(ctx(), 'risk_scores')).toEqual({ risk_scores_key_time: ['merchant_id', 'updated_at'] });
    expect(await strategy(metadata, labels)).toBe('database');
  });

  it.skipIf(refused)('the same table made without the index: auto keeps the merge where the engine would scan per label', async () => {
    const { metadata, labels, data } = await setup(ctx());
    const dry = await runCli(['import', '-m', metadata, '-g', 'risk', '-i', data, '--create-table', '--dry-run']);
    const [createTable] = dry.stdout.split(';\n');
    await ctx().admin.raw(createTable!);
    expect(await indexes(ctx(), 'risk_scores')).toEqual({});
    expect(await strategy(metadata, labels)).toBe(ctx().engine === 'postgres' ? 'database' : 'merge');
  });
});
