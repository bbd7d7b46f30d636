import { expect, it } from 'vitest';
import { postgresDialect } from '../../src/db/postgres/postgres-dialect.js';
import { mysqlDialect } from '../../src/db/mysql/mysql-dialect.js';
import { sqliteDialect } from '../../src/db/sqlite/sqlite-dialect.js';
import { SpellbookError } from '../../src/errors.js';
import { describeEngines } from '../support/engines.js';
import { withDatabase } from './helpers.js';

const TABLE = 'we"ird`;x y';
const COLUMN = 'a "col`; DROP TABLE t; --';
const ALIAS = "it's `\"odd\"`";

describeEngines('identifier quoting', (ctx) => {
  it('reads a table, column and alias with quotes, backticks, semicolons and spaces', async () => {
    await withDatabase(ctx(), { readOnly: false }, async (db) => {
      const q = db.dialect.quoteIdentifier;
      await db.driver.all({ sql: `CREATE TABLE ${q(TABLE)} (${q(COLUMN)} int)`, parameters: [] });
      await db.driver.all({ sql: `INSERT INTO ${q(TABLE)} (${q(COLUMN)}) VALUES (${db.dialect.placeholder(1)})`, parameters: [42] });
    });
    await withDatabase(ctx(), { readOnly: true }, async (db) => {
      const q = db.dialect.quoteIdentifier;
      const rows = await db.driver.all({ sql: `SELECT ${q(COLUMN)} AS ${q(ALIAS)} FROM ${q(TABLE)}`, parameters: [] });
      expect(rows).toEqual([{ [ALIAS]: 42 }]);
      expect(await db.introspector.tableColumns(TABLE)).toEqual([{ name: COLUMN, dbType: expect.stringMatching(/^int/) }]);
    });
  });

  it('rejects identifiers containing NUL', async () => {
    await withDatabase(ctx(), { readOnly: true }, async (db) => {
      expect(() => db.dialect.quoteIdentifier('a\0b')).toThrow(SpellbookError);
    });
  });
});

it('quotes per engine, doubling the engine quote only', () => {
  expect(sqliteDialect.quoteIdentifier('a"b`c')).toBe('"a""b`c"');
  expect(postgresDialect.quoteIdentifier('a"b`c')).toBe('"a""b`c"');
  expect(mysqlDialect.quoteIdentifier('a"b`c')).toBe('`a"b``c`');
  expect([sqliteDialect, postgresDialect, mysqlDialect].map((d) => d.placeholder(3))).toEqual(['?', '$3', '?']);
  expect([sqliteDialect, postgresDialect, mysqlDialect].map((d) => d.maxParameters)).toEqual([32766, 65535, 65535]);
});
