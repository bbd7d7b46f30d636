import { expect, it } from 'vitest';
import { describeEngines, perEngine, type PerEngine } from '../support/engines.js';
import { withDatabase } from './helpers.js';

const DDL: PerEngine<string> = {
  sqlite: 'CREATE TABLE src (id BIGINT, name TEXT, ts TIMESTAMP, amount REAL, flag BOOLEAN)',
  postgres: 'CREATE TABLE src (id bigint, name text, ts timestamptz, amount double precision, flag boolean)',
  mysql: 'CREATE TABLE src (id BIGINT, name VARCHAR(50), ts DATETIME(3), amount DOUBLE, flag TINYINT(1))',
  // Written in PostgreSQL, read through the cluster's postgresql catalog.
  trino: 'CREATE TABLE src (id bigint, name text, ts timestamptz, amount double precision, flag boolean)',
};

const TYPES: PerEngine<string[]> = {
  sqlite: ['bigint', 'text', 'timestamp', 'real', 'boolean'],
  postgres: ['bigint', 'text', 'timestamp with time zone', 'double precision', 'boolean'],
  mysql: ['bigint', 'varchar', 'datetime', 'double', 'tinyint'],
  trino: ['bigint', 'varchar', 'timestamp(6) with time zone', 'double', 'boolean'],
};


const NAMES = ['id', 'name', 'ts', 'amount', 'flag'];

describeEngines('introspector', (ctx) => {
  it('lists the declared columns of a table, in order, with lower-case types', async () => {
    const { engine, admin } = ctx();
    await admin.raw(perEngine(engine, DDL));
    await withDatabase(ctx(), { readOnly: true }, async (db) => {
      const columns = await db.introspector.tableColumns('src');
      expect(columns).toEqual(NAMES.map((name, i) => ({ name, dbType: perEngine(engine, TYPES)[i] })));
    });
  });

  it('returns undefined for a missing table', async () => {
    await withDatabase(ctx(), { readOnly: true }, async (db) => {
      expect(await db.introspector.tableColumns('no_such_table')).toBeUndefined();
    });
  });

  it('describes the columns of a query without reading rows', async () => {
    const { engine, admin } = ctx();
    await admin.raw(perEngine(engine, DDL));
    await admin.raw(`INSERT INTO src (id) VALUES (1)`);
    await withDatabase(ctx(), { readOnly: true }, async (db) => {
      const columns = await db.introspector.queryColumns('SELECT id, name AS label, ts, amount FROM src WHERE id > 0');
      expect(columns.map((c) => c.name)).toEqual(['id', 'label', 'ts', 'amount']);
      // The same types as the table's, Trino's with their precision (its client declares PARAMETRIC_DATETIME for this).
      expect(columns.map((c) => c.dbType)).toEqual([0, 1, 2, 3].map((i) => perEngine(engine, TYPES)[i]));
    });
  });

  it('fails a broken query source with a DATABASE error', async () => {
    await withDatabase(ctx(), { readOnly: true }, async (db) => {
      await expect(db.introspector.queryColumns('SELECT nope FROM missing')).rejects.toMatchObject({ code: 'DATABASE' });
    });
  });
});
