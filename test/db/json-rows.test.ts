import { expect, it } from 'vitest';
import { describeEngines, perEngine } from '../support/engines.js';
import { withDatabase } from './helpers.js';

const LABELS = [
  [0, 1709294400123, 'abc', 12],
  [1, -86400000, 'ABC', 1],
  [2, 0, 'abc ', 9007199254740991],
  [3, 1.5, '😀 "quoted"', -4],
];

describeEngines('jsonRows and exactKey', (ctx) => {
  it('turns one bound JSON parameter into typed rows', async () => {
    await withDatabase(ctx(), { readOnly: true }, async (db) => {
      const d = db.compiler;
      const q = d.quoteIdentifier;
      const from = d.jsonRows(d.placeholder(1), 'l', [
        { name: '__i', type: 'int' },
        { name: '__t', type: 'float' },
        { name: 'k s', type: 'string' },
        { name: 'k i', type: 'int' },
      ]);
      const rows = await db.driver.all({
        sql: `SELECT ${q('l')}.${q('__i')} AS i, ${q('l')}.${q('__t')} AS t, ${q('l')}.${q('k s')} AS s, ${q('l')}.${q('k i')} AS n FROM ${from} ORDER BY ${q('l')}.${q('__i')}`,
        parameters: [JSON.stringify(LABELS)],
      });
      expect(rows.map((r) => [Number(r.i), r.t, r.s, Number(r.n)])).toEqual(LABELS);
    });
  });

  it('matches string keys byte for byte whatever the collation', async () => {
    const { engine, admin } = ctx();
    const type = perEngine(engine, { sqlite: 'TEXT COLLATE NOCASE', postgres: 'text', mysql: 'VARCHAR(20)', trino: 'text' });
    await admin.raw(`CREATE TABLE k (s ${type})`);
    await admin('k').insert([{ s: 'abc' }, { s: 'ABC' }, { s: 'abc ' }, { s: 'äbc' }]);
    await withDatabase(ctx(), { readOnly: true }, async (db) => {
      const d = db.compiler;
      const rows = await db.driver.all({
        sql: `SELECT s FROM k WHERE s = ${d.placeholder(1)} AND ${d.exactKey('s', 'string')} = ${d.exactKey(d.placeholder(2), 'string')}`,
        parameters: ['abc', 'abc'],
      });
      expect(rows).toEqual([{ s: 'abc' }]);
      expect(d.exactKey('n', 'int')).toBe('n');
    });
  });
});
