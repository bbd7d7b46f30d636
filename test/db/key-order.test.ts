import { expect, it } from 'vitest';
import { compareKeyValues } from '../../src/core/keys.js';
import { describeEngines } from '../support/engines.js';
import { withDatabase } from './helpers.js';

// Mixed case, accents (precomposed and combining), digits, trailing space and tab
// (PAD SPACE collations tie 'a' and 'a '), astral-plane emoji next to U+FFFD (UTF-16
// order and code-point order disagree there), CJK, ligatures.
const STRINGS = [
  'a', 'B', 'b', 'A', 'Z', 'é', 'e\u0301', 'e', 'f', 'ä', 'Ä', 'ß', 'ss', '10', '9', '1', '01',
  'a ', 'a\t', 'ab', 'aB', '中', '\uFB00', '\uFFFD', '😀', '😁', 'Ω', '', 'zz', 'Zz',
];

describeEngines('keyOrder', (ctx) => {
  it('sorts string keys in code-point order whatever the column collation', async () => {
    const { engine, admin } = ctx();
    let type = { sqlite: 'TEXT COLLATE NOCASE', postgres: 'text', mysql: 'VARCHAR(40)' }[engine];
    if (engine === 'postgres') {
      // The CI database is C.UTF-8, already code-point order; a linguistic collation
      // (when ICU is built in) proves keyOrder overrides the column's own.
      const icu = await admin.raw(`SELECT 1 FROM pg_collation WHERE collname = 'und-x-icu'`);
      if (icu.rows.length > 0) type = 'text COLLATE "und-x-icu"';
    }
    await admin.raw(`CREATE TABLE k (id int, s ${type})`);
    await admin('k').insert(STRINGS.map((s, id) => ({ id, s })));
    await withDatabase(ctx(), { readOnly: true }, async (db) => {
      const rows = await db.driver.all({
        sql: `SELECT s FROM k ORDER BY ${db.dialect.keyOrder('s', 'string')}`,
        parameters: [],
      });
      expect(rows.map((r) => r.s)).toEqual([...STRINGS].sort(compareKeyValues));
      // The column's own order must differ, or this test proves nothing.
      const plain = await db.driver.all({ sql: 'SELECT s FROM k ORDER BY s, id', parameters: [] });
      expect(plain.map((r) => r.s)).not.toEqual([...STRINGS].sort(compareKeyValues));
    });
  });

  it('sorts int keys numerically', async () => {
    const { admin } = ctx();
    const ints = [10, -3, 2, 100, 0, 9, -20];
    await admin.schema.createTable('k', (t) => t.bigInteger('n'));
    await admin('k').insert(ints.map((n) => ({ n })));
    await withDatabase(ctx(), { readOnly: true }, async (db) => {
      const rows = await db.driver.all({ sql: `SELECT n FROM k ORDER BY ${db.dialect.keyOrder('n', 'int')}`, parameters: [] });
      expect(rows.map((r) => Number(r.n))).toEqual([...ints].sort(compareKeyValues));
    });
  });
});
