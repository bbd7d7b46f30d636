import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { expect, it } from 'vitest';
import { openDatabase } from '../../src/db/open.js';
import { SpellbookError } from '../../src/errors.js';
import { describeEngines, perEngine, type PerEngine } from '../support/engines.js';
import { withDatabase } from './helpers.js';

const READ_ONLY_ERROR: PerEngine<RegExp> = {
  sqlite: /attempt to write a readonly database/,
  postgres: /cannot execute INSERT in a read-only transaction/,
  mysql: /READ ONLY transaction/i,
};

describeEngines('read-only sessions', (ctx, engine) => {
  it('refuses a write with the engine read-only error and changes nothing', async () => {
    const { admin } = ctx();
    await admin.schema.createTable('t', (t) => t.integer('a'));
    await admin('t').insert({ a: 1 });
    await withDatabase(ctx(), { readOnly: true }, async (db) => {
      const insert = { sql: 'INSERT INTO t (a) VALUES (2)', parameters: [] };
      const err = await db.driver.all(insert).then(() => undefined, (e: unknown) => e);
      expect(err).toBeInstanceOf(SpellbookError);
      expect((err as SpellbookError).code).toBe('DATABASE');
      expect((err as Error).message).toMatch(perEngine(engine, READ_ONLY_ERROR));
      if (engine === 'mysql') expect(((err as Error).cause as { errno?: number }).errno).toBe(1792);
      const consume = async () => {
        for await (const _ of db.driver.stream(insert)) void _;
      };
      await expect(consume()).rejects.toThrow(perEngine(engine, READ_ONLY_ERROR));
    });
    expect((await admin('t').count({ c: '*' }))[0]?.c).toEqual(engine === 'postgres' ? '1' : 1);
  });

  // MariaDB has no data-modifying SELECT form.
  it.skipIf(engine === 'mysql')('refuses a write hidden in a query source', async () => {
    const { admin } = ctx();
    await admin.schema.createTable('t', (t) => t.integer('a'));
    await withDatabase(ctx(), { readOnly: true }, async (db) => {
      const sql =
        engine === 'postgres'
          ? 'WITH w AS (INSERT INTO t (a) VALUES (3) RETURNING a) SELECT a FROM w'
          : 'INSERT INTO t (a) VALUES (3) RETURNING a';
      const consume = async () => {
        for await (const _ of db.driver.stream({ sql, parameters: [] })) void _;
      };
      // PostgreSQL names the outer statement: "cannot execute SELECT in a read-only transaction".
      await expect(consume()).rejects.toThrow(engine === 'postgres' ? /in a read-only transaction/ : perEngine(engine, READ_ONLY_ERROR));
    });
    expect(await admin('t').select('a')).toEqual([]);
  });

  // SQLite has no session time zone or read-only setting to ask for.
  it.skipIf(engine === 'sqlite')('reports the session settings: UTC, and read-only only when asked', async () => {
    const sql =
      engine === 'postgres'
        ? `SELECT current_setting('TimeZone') AS zone, current_setting('transaction_read_only') AS ro`
        : `SELECT @@session.time_zone AS zone, @@session.tx_read_only AS ro`;
    const expected = engine === 'postgres' ? { ro: 'on', rw: 'off', zone: 'UTC' } : { ro: 1, rw: 0, zone: '+00:00' };
    await withDatabase(ctx(), { readOnly: true }, async (db) => {
      expect(await db.driver.all({ sql, parameters: [] })).toEqual([{ zone: expected.zone, ro: expected.ro }]);
    });
    await withDatabase(ctx(), { readOnly: false }, async (db) => {
      expect(await db.driver.all({ sql, parameters: [] })).toEqual([{ zone: expected.zone, ro: expected.rw }]);
    });
  });

  it('writes through a writable Database (the import path)', async () => {
    const { admin } = ctx();
    await admin.schema.createTable('t', (t) => t.integer('a'));
    await withDatabase(ctx(), { readOnly: false }, async (db) => {
      await db.driver.all({ sql: `INSERT INTO t (a) VALUES (${db.dialect.placeholder(1)})`, parameters: [5] });
      await db.driver.transaction((execute) => execute({ sql: `INSERT INTO t (a) VALUES (${db.dialect.placeholder(1)})`, parameters: [6] }));
    });
    expect((await admin('t').select('a').orderBy('a')).map((r: { a: number }) => r.a)).toEqual([5, 6]);
  });
});

describeEngines(
  'read-only sqlite file',
  () => {
    it('does not create a missing file', async () => {
      const path = join(tmpdir(), `spellbook-missing-${process.pid}-${Date.now()}.db`);
      const spec = { config: { client: 'better-sqlite3', connection: { filename: path } }, readOnly: false, secrets: [] };
      const err = await openDatabase(spec, { readOnly: true }).then(() => undefined, (e: unknown) => e);
      expect(err).toBeInstanceOf(SpellbookError);
      expect((err as SpellbookError).code).toBe('DATABASE');
      expect((err as Error).message).toBe(`cannot open sqlite:${path}: file not found`);
      expect(existsSync(path)).toBe(false);
    });
  },
  { engines: ['sqlite'] },
);
