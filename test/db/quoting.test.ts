import { expect, it } from 'vitest';
import { SpellbookError } from '../../src/errors.js';
import { describeEngines, perEngine, type PerEngine } from '../support/engines.js';
import { withDatabase } from './helpers.js';
import { pluginNamed } from '../../src/db/registry.js';

const TABLE = 'we"ird`;x y';
const COLUMN = 'a "col`; DROP TABLE t; --';
const ALIAS = "it's `\"odd\"`";
/** COLUMN as the catalog lists it: Trino folds every name to lower case (and matches it so). */
const LISTED: PerEngine<string> = { sqlite: COLUMN, postgres: COLUMN, mysql: COLUMN, trino: 'a "col`; drop table t; --' };

describeEngines('identifier quoting', (ctx, engine) => {
  it('reads a table, column and alias with quotes, backticks, semicolons and spaces', async () => {
    // Written by the fixture's admin (Knex quotes too), so the engine's own quoting is
    // what reads it, on Trino as the SELECT-only user.
    const { admin } = ctx();
    await admin.schema.createTable(TABLE, (t) => t.integer(COLUMN));
    await admin(TABLE).insert({ [COLUMN]: 42 });
    await withDatabase(ctx(), { readOnly: true }, async (db) => {
      const q = db.compiler.quoteIdentifier;
      const rows = await db.driver.all({ sql: `SELECT ${q(COLUMN)} AS ${q(ALIAS)} FROM ${q(TABLE)}`, parameters: [] });
      expect(rows).toEqual([{ [ALIAS]: 42 }]);
      expect(await db.introspector.tableColumns(TABLE)).toEqual([{ name: perEngine(engine, LISTED), dbType: expect.stringMatching(/^int/) }]);
    });
  });

  it('rejects identifiers containing NUL', async () => {
    await withDatabase(ctx(), { readOnly: true }, async (db) => {
      expect(() => db.compiler.quoteIdentifier('a\0b')).toThrow(SpellbookError);
    });
  });
});

it('quotes per engine, doubling the engine quote only', () => {
  const engines = ['sqlite', 'postgres', 'mysql', 'trino'] as const;
  expect(engines.map((e) => pluginNamed(e).compiler.quoteIdentifier('a"b`c'))).toEqual(['"a""b`c"', '"a""b`c"', '`a"b``c`', '"a""b`c"']);
  expect(engines.map((e) => pluginNamed(e).compiler.placeholder(3))).toEqual(['?', '$3', '?', '?']);
  expect(engines.map((e) => pluginNamed(e).adapter.maxParameters)).toEqual([32766, 65535, 65535, 50_000]);
});
