/**
 * SPEC §5, proven through the CLI: get, export, join (both strategies) and validate work
 * for a user holding only SELECT (PostgreSQL role, MariaDB user) and on a SQLite file of
 * mode 0444; a `query:` source that tries to write fails with the database's read-only
 * error and changes nothing.
 */
import { chmodSync, copyFileSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { describeEngines } from '../support/engines.js';
import { runCli, tempDir, writeFile, writeMetadata } from '../support/cli.js';
import { accounts, LABELS, metadataFor, selectOnlyUser } from './helpers.js';

const EXPORT = 'user_id,balance,status\n1,10.5,open\n2,3,closed\n';
const JOIN = 'user_id,event_timestamp,balance,status\n1,2024-01-03,10.5,open\n2,2024-01-03,3,closed\n1,2023-12-31,,\n';

async function everyReadCommand(dir: string, db: string): Promise<void> {
  const md = join(dir, 'metadata.yml');
  const meta = await runCli(['get', 'meta', 'feature', '-m', md, '--output-format', 'csv']);
  expect(meta.code, meta.stderr).toBe(0);
  const exp = await runCli(['export', '-m', md, '--db', db, '-f', 'account.*', '--snapshot-date', '2024-01-05']);
  expect(exp.stderr).toBe('');
  expect(exp.stdout).toBe(EXPORT);
  for (const strategy of ['database', 'merge']) {
    const joined = await runCli(['join', '-m', md, '--db', db, '-f', 'account.*', '--input-file', join(dir, 'labels.csv'), '--strategy', strategy]);
    expect(joined.stderr).toBe('');
    expect(joined.stdout).toBe(JOIN);
  }
  const validate = await runCli(['validate', '-m', md, '--db', db, '--data']);
  expect(validate.stderr).toBe('');
  expect(validate.code).toBe(0);
}

describeEngines(
  'read-only: a user with SELECT only',
  (ctx) => {
    it('runs get, export, join and validate', async () => {
      await accounts(ctx());
      const user = await selectOnlyUser(ctx());
      try {
        const dir = tempDir();
        writeMetadata(dir, metadataFor(undefined));
        writeFile(dir, 'labels.csv', LABELS);
        await everyReadCommand(dir, user.url);
      } finally {
        await user.drop();
      }
    });
  },
  { engines: ['postgres', 'mysql'] },
);

describeEngines(
  'read-only: a SQLite file of mode 0444',
  (ctx) => {
    it('runs get, export, join and validate and leaves the file byte for byte as it was', async () => {
      await accounts(ctx());
      await ctx().admin.destroy();
      const dir = tempDir();
      const file = join(dir, 'shop.db');
      copyFileSync(String((ctx().connection['connection'] as { filename: string }).filename), file);
      chmodSync(file, 0o444);
      chmodSync(dir, 0o555); // no -journal, -wal or -shm could be created beside it either
      const before = { bytes: readFileSync(file), mtime: statSync(file).mtimeMs };
      try {
        const work = tempDir();
        writeMetadata(work, metadataFor(undefined));
        writeFile(work, 'labels.csv', LABELS);
        await everyReadCommand(work, `sqlite:${file}`);
      } finally {
        chmodSync(dir, 0o755);
      }
      expect(readFileSync(file).equals(before.bytes)).toBe(true);
      expect(statSync(file).mtimeMs).toBe(before.mtime);
    });
  },
  { engines: ['sqlite'] },
);

/**
 * Sources that write, run as the full-privilege test user: only the read-only session
 * stands between them and the data, so the error must be the engine's read-only error.
 */
const WRITES: Record<string, { setup: string[]; query: string; error: RegExp }[]> = {
  postgres: [
    {
      setup: [],
      query: 'WITH gone AS (DELETE FROM accounts RETURNING *) SELECT * FROM gone',
      // A source runs as a derived table, where PostgreSQL refuses a data-modifying WITH outright.
      error: /database error: WITH clause containing a data-modifying statement must be at the top level/,
    },
    {
      setup: [`CREATE FUNCTION sb_bump() RETURNS int LANGUAGE sql VOLATILE AS 'INSERT INTO audit VALUES (1) RETURNING 1'`],
      query: 'SELECT * FROM accounts WHERE sb_bump() = 1',
      error: /database error: cannot execute INSERT in a read-only transaction/,
    },
  ],
  mysql: [
    {
      setup: ['CREATE FUNCTION sb_bump() RETURNS INT MODIFIES SQL DATA BEGIN INSERT INTO audit VALUES (1); RETURN 1; END'],
      query: 'SELECT * FROM accounts WHERE sb_bump() = 1',
      error: /database error: Cannot execute statement in a READ ONLY transaction/,
    },
  ],
  sqlite: [{ setup: [], query: 'DELETE FROM accounts RETURNING *', error: /database error: near "DELETE": syntax error/ }],
  // Trino's grammar has no writing subquery; a pass-through table function that would run
  // SQL on PostgreSQL as the connector's (writable) user is denied by the cluster's rules.
  trino: [
    { setup: [], query: 'INSERT INTO audit VALUES (1)', error: /database error: line \d+:\d+: mismatched input 'INSERT'/ },
    {
      setup: [`CREATE FUNCTION sb_bump() RETURNS int LANGUAGE sql VOLATILE AS 'INSERT INTO audit VALUES (1) RETURNING 1'`],
      query: `SELECT * FROM TABLE(postgresql.system.query(query => 'SELECT * FROM accounts WHERE sb_bump() = 1'))`,
      error: /database error: Access Denied: Cannot execute function postgresql.system.query/,
    },
  ],
};

describeEngines('read-only: a query source that writes', (ctx) => {
  it('fails with the database error and changes nothing', async () => {
    const { engine, admin } = ctx();
    await accounts(ctx());
    await admin.schema.createTable('audit', (t) => t.integer('n'));
    for (const { setup, query, error } of WRITES[engine]!) {
      for (const sql of setup) await admin.raw(sql);
      const dir = tempDir();
      const md = writeMetadata(dir, metadataFor(ctx().connection, { query }));
      const exp = await runCli(['export', '-m', md, '-f', 'account.balance', '--output', join(dir, 'out.csv')]);
      expect(exp.code).toBe(1);
      expect(exp.stderr.trimEnd().split('\n')).toHaveLength(1);
      expect(exp.stderr).toMatch(error);
      expect((await admin('accounts').count({ n: '*' }))[0]!.n).toEqual(ctx().storage === 'postgres' ? '2' : 2);
      expect(await admin('audit').select('n')).toEqual([]);
    }
  });
});
