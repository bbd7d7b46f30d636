/**
 * Atomicity when the process dies: the CLI is SIGKILLed while its transaction has
 * written rows that are not committed yet, and the table must hold exactly its original
 * rows afterwards. Each engine's own bookkeeping proves the kill landed mid-transaction:
 * SQLite's rollback journal, PostgreSQL's row lock on the table, InnoDB's open
 * transaction with modified rows.
 */
import { existsSync, statSync } from 'node:fs';
import type { Knex } from 'knex';
import { expect, it } from 'vitest';
import { describeEngines, perEngine, type EngineContext } from '../support/engines.js';
import { countRows, IMPORT_REFUSAL, spawnCli, tempDir, testMetadata, write, writeMetadata } from './helpers.js';

/** Rows some transaction has written to `stats` and not committed or rolled back yet (0 = none). */
async function uncommitted(ctx: EngineContext): Promise<number> {
  const admin: Knex = ctx.admin;
  if (ctx.engine === 'sqlite') {
    const journal = `${(ctx.connection['connection'] as { filename: string }).filename}-journal`;
    return existsSync(journal) && statSync(journal).size > 0 ? 1 : 0;
  }
  if (ctx.engine === 'postgres') {
    const { rows } = await admin.raw(
      `SELECT count(*)::int AS n FROM pg_locks l JOIN pg_class c ON c.oid = l.relation
        WHERE c.relnamespace = current_schema()::regnamespace AND c.relname = 'stats'
          AND l.mode = 'RowExclusiveLock' AND l.pid <> pg_backend_pid()`,
    );
    return Number(rows[0].n);
  }
  const [rows] = await admin.raw(
    `SELECT COALESCE(SUM(t.trx_rows_modified), 0) AS n FROM information_schema.innodb_trx t
       JOIN information_schema.processlist p ON p.id = t.trx_mysql_thread_id WHERE p.db = DATABASE()`,
  );
  return Number(rows[0].n);
}

async function until(what: string, ms: number, every: number, test: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await test())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, every));
  }
}

/** InnoDB refreshes its transaction view only when it was last read over 100 ms ago: polling faster sees a frozen picture. */
const pollEvery = (ctx: EngineContext): number => (ctx.engine === 'mysql' ? 150 : 5);

describeEngines('import killed mid-transaction', (ctx, engine) => {
  // Where import refuses the engine nothing is written to kill (test/import/import.test.ts).
  it.skipIf(IMPORT_REFUSAL[engine] !== null)(
    'leaves the table exactly as it was',
    async () => {
      const dir = tempDir();
      const { path } = await writeMetadata(dir, testMetadata(ctx()));
      const admin = ctx().admin;
      await admin.schema.createTable('stats', (t) => {
        t.bigInteger('user_id').notNullable();
        t.bigInteger('computed_at').notNullable();
        t.bigInteger('n');
      });
      const original = [
        { user_id: -3, computed_at: 1, n: 1 },
        { user_id: -2, computed_at: 2, n: null },
        { user_id: -1, computed_at: 3, n: 3 },
      ];
      await admin('stats').insert(original);

      // Enough rows that the write phase outlasts the probes (InnoDB's trx view refreshes every 100 ms).
      const rows = perEngine(ctx().engine, { sqlite: 1_500_000, postgres: 400_000, mysql: 600_000 });
      const lines = ['user_id,computed_at,n'];
      for (let i = 0; i < rows; i++) lines.push(`${i},${1_700_000_000 + i},${i % 1000}`);
      const file = write(dir, 'big.csv', lines.join('\n') + '\n');

      const child = spawnCli(['import', '-m', path, '-g', 'stats', '-i', file, '--quiet'], dir);
      let stderr = '';
      child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
      const exited = new Promise<NodeJS.Signals | number | null>((done) => child.on('exit', (code, signal) => done(signal ?? code)));

      await until('the import to write inside its transaction', 45_000, pollEvery(ctx()), async () => {
        if (child.exitCode !== null) {
          await exited;
          throw new Error(`import ended (exit ${child.exitCode}) before it could be killed: ${stderr}`);
        }
        return (await uncommitted(ctx())) > 0;
      });
      child.kill('SIGKILL');
      expect(await exited).toBe('SIGKILL');

      // The server notices the dropped connection and rolls back; SQLite rolls the hot journal back on the next open.
      await until('the dead transaction to be rolled back', 15_000, pollEvery(ctx()), async () => {
        if (ctx().engine === 'sqlite') return true;
        return (await uncommitted(ctx())) === 0;
      });
      expect(await countRows(admin, 'stats')).toBe(3);
      const back = await admin('stats').select().orderBy('user_id');
      expect(back.map((r) => ({ user_id: Number(r.user_id), computed_at: Number(r.computed_at), n: r.n === null ? null : Number(r.n) }))).toEqual(original);
      if (ctx().engine === 'sqlite') expect(await admin.raw('PRAGMA integrity_check')).toEqual([{ integrity_check: 'ok' }]);
    },
    120_000,
  );
});
