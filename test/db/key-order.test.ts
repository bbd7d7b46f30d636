import { describe, expect, it } from 'vitest';
import { describeEngines, perEngine } from '../support/engines.js';
import { refCompareKeyValues } from '../support/reference.js';
import { withDatabase } from './helpers.js';

// Mixed case, accents (precomposed and combining), digits, trailing space and tab
// (PAD SPACE collations tie 'a' and 'a '), astral-plane emoji next to U+FFFD (UTF-16
// order and code-point order disagree there), CJK, ligatures.
const STRINGS = [
  'a', 'B', 'b', 'A', 'Z', 'é', 'e\u0301', 'e', 'f', 'ä', 'Ä', 'ß', 'ss', '10', '9', '1', '01',
  'a ', 'a\t', 'ab', 'aB', '中', '\uFB00', '\uFFFD', '😀', '😁', 'Ω', '', 'zz', 'Zz',
];

// STRINGS in code-point order, written out by hand: digits < upper case < lower case
// (tab and space sort before letters), then Latin-1, Greek, CJK, U+FB00, U+FFFD and the
// astral-plane emoji last (UTF-16 order would put them before U+FB00).
const CODE_POINT_ORDER = [
  '', '01', '1', '10', '9', 'A', 'B', 'Z', 'Zz', 'a', 'a\t', 'a ', 'aB', 'ab', 'b', 'e', 'e\u0301', 'f', 'ss', 'zz',
  'Ä', 'ß', 'ä', 'é', 'Ω', '中', '\uFB00', '\uFFFD', '😀', '😁',
];
/**
 * Whether the engine's own ORDER BY of the test column is code-point order already. Where
 * it is not, keyOrder must change it; Trino compares varchar by code point whatever the
 * collation of the table behind the connector, so its keyOrder is the column itself.
 */
const OWN_ORDER_IS_CODE_POINT = { sqlite: false, postgres: false, mysql: false, trino: true } as const;
const INTS = [10, -3, 2, 100, 0, 9, -20];
const INTS_IN_ORDER = [-20, -3, 0, 2, 9, 10, 100];

describe('the test reference key order', () => {
  it('is code-point order for strings and numeric for ints', () => {
    expect([...STRINGS].sort(refCompareKeyValues)).toEqual(CODE_POINT_ORDER);
    expect([...INTS].sort(refCompareKeyValues)).toEqual(INTS_IN_ORDER);
  });
});

describeEngines('keyOrder', (ctx) => {
  it('sorts string keys in code-point order whatever the column collation', async () => {
    const { engine, admin } = ctx();
    let type = perEngine(engine, { sqlite: 'TEXT COLLATE NOCASE', postgres: 'text', mysql: 'VARCHAR(40)', trino: 'text' });
    if (ctx().storage === 'postgres') {
      // The CI database is C.UTF-8, already code-point order; a linguistic collation
      // (when ICU is built in) proves keyOrder overrides the column's own.
      const icu = await admin.raw(`SELECT 1 FROM pg_collation WHERE collname = 'und-x-icu'`);
      if (icu.rows.length > 0) type = 'text COLLATE "und-x-icu"';
    }
    await admin.raw(`CREATE TABLE k (id int, s ${type})`);
    await admin('k').insert(STRINGS.map((s, id) => ({ id, s })));
    await withDatabase(ctx(), { readOnly: true }, async (db) => {
      const rows = await db.driver.all({
        sql: `SELECT s FROM k ORDER BY ${db.compiler.keyOrder('s', 'string')}`,
        parameters: [],
      });
      expect(rows.map((r) => r.s)).toEqual(CODE_POINT_ORDER);
      // Where the column's own order is not code-point order, it must differ, or this test proves nothing.
      const plain = await db.driver.all({ sql: 'SELECT s FROM k ORDER BY s, id', parameters: [] });
      expect(plain.map((r) => r.s).join('|') === CODE_POINT_ORDER.join('|')).toBe(perEngine(engine, OWN_ORDER_IS_CODE_POINT));
    });
  });

  it('sorts int keys numerically', async () => {
    const { admin } = ctx();
    await admin.schema.createTable('k', (t) => t.bigInteger('n'));
    await admin('k').insert(INTS.map((n) => ({ n })));
    await withDatabase(ctx(), { readOnly: true }, async (db) => {
      const rows = await db.driver.all({ sql: `SELECT n FROM k ORDER BY ${db.compiler.keyOrder('n', 'int')}`, parameters: [] });
      expect(rows.map((r) => Number(r.n))).toEqual(INTS_IN_ORDER);
    });
  });
});
