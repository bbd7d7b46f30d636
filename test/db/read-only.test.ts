import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { expect, it } from 'vitest';
import { openDatabase } from '../../src/db/open.js';
import { SpellbookError } from '../../src/errors.js';
import { describeEngines, perEngine, type PerEngine } from '../support/engines.js';
import type { Database } from '../../src/db/dialect.js';
import type { EngineContext } from '../support/engines.js';
import { specFor, withDatabase } from './helpers.js';
import { IMPORT_REFUSAL } from '../import/helpers.js';

const READ_ONLY_ERROR: PerEngine<RegExp> = {
  sqlite: /attempt to write a readonly database/,
  postgres: /cannot execute INSERT in a read-only transaction/,
  mysql: /READ ONLY transaction/i,
  trino: /^database error: Cannot execute write in a read-only transaction$/,
};

/** A write hidden in a query source, and how the engine refuses it in a read-only session. */
const HIDDEN_WRITE: PerEngine<{ sql: string; error: RegExp } | null> = {
  sqlite: { sql: 'INSERT INTO t (a) VALUES (3) RETURNING a', error: /attempt to write a readonly database/ },
  // PostgreSQL names the outer statement: "cannot execute SELECT in a read-only transaction".
  postgres: { sql: 'WITH w AS (INSERT INTO t (a) VALUES (3) RETURNING a) SELECT a FROM w', error: /in a read-only transaction/ },
  // MariaDB has no data-modifying SELECT form.
  mysql: null,
  // Nor has Trino: its grammar admits no INSERT in a WITH, so the statement never runs.
  trino: { sql: 'WITH w AS (INSERT INTO t (a) VALUES (3)) SELECT * FROM w', error: /^database error: line 1:\d+: mismatched input 'INSERT'/ },
};

/**
 * Opens the test's place as a user who may write, so a refusal comes from the session,
 * not from the user's rights: on Trino the fixture reads as the SELECT-only
 * `spellbook_reader`, and any other user of the test cluster may write.
 */
async function withWriter<T>(ctx: EngineContext, readOnly: boolean, fn: (db: Database) => Promise<T>): Promise<T> {
  const spec = specFor(ctx);
  const inner = spec.config['connection'] as Record<string, unknown>;
  const config = ctx.engine === 'trino' ? { ...spec.config, connection: { ...inner, user: 'spellbook_writer' } } : spec.config;
  const db = await openDatabase({ ...spec, config }, { readOnly });
  try {
    return await fn(db);
  } finally {
    await db.close();
  }
}

describeEngines('read-only sessions', (ctx, engine) => {
  it('refuses a write with the engine read-only error and changes nothing', async () => {
    const { admin } = ctx();
    await admin.schema.createTable('t', (t) => t.integer('a'));
    await admin('t').insert({ a: 1 });
    await withWriter(ctx(), true, async (db) => {
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
      // The refused statement does not end the session: it goes on reading.
      expect(await db.driver.all({ sql: 'SELECT a FROM t', parameters: [] })).toEqual([{ a: 1 }]);
    });
    expect((await admin('t').count({ c: '*' }))[0]?.c).toEqual(ctx().storage === 'postgres' ? '1' : 1);
  });

  it.skipIf(HIDDEN_WRITE[engine] === null)('refuses a write hidden in a query source', async () => {
    const { admin } = ctx();
    await admin.schema.createTable('t', (t) => t.integer('a'));
    const hidden = perEngine(engine, HIDDEN_WRITE)!;
    await withWriter(ctx(), true, async (db) => {
      const consume = async () => {
        for await (const _ of db.driver.stream({ sql: hidden.sql, parameters: [] })) void _;
      };
      await expect(consume()).rejects.toThrow(hidden.error);
    });
    expect(await admin('t').select('a')).toEqual([]);
  });

  // SQLite has no session time zone or read-only setting to ask for; Trino has no SQL
  // to read a transaction's read-only flag (the first and last tests show it by a write
  // refused and one passed, and test/db/open.test.ts its UTC session).
  it.skipIf(engine === 'sqlite' || engine === 'trino')('reports the session settings: UTC, and read-only only when asked', async () => {
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

  it('writes through a writable Database, and its transaction (the import path) commits or is refused', async () => {
    const { admin } = ctx();
    await admin.schema.createTable('t', (t) => t.integer('a'));
    const refusal = perEngine(engine, IMPORT_REFUSAL);
    await withWriter(ctx(), false, async (db) => {
      await db.driver.all({ sql: `INSERT INTO t (a) VALUES (${db.compiler.placeholder(1)})`, parameters: [5] });
      const committed = db.driver.transaction((execute) => execute({ sql: `INSERT INTO t (a) VALUES (${db.compiler.placeholder(1)})`, parameters: [6] }));
      if (refusal === null) await committed;
      else await expect(committed).rejects.toThrow(refusal);
    });
    expect((await admin('t').select('a').orderBy('a')).map((r: { a: number }) => r.a)).toEqual(refusal === null ? [5, 6] : [5]);
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
