/**
 * SQLite's orderedText (dialect.ts): the text one max() ranks export's rows by, event time
 * then created time (SPEC §2). Its binary order must be the numbers' order for every
 * 64-bit integer, negative epochs (before 1970) and the extremes included, with NULL
 * below every number.
 */
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { sqliteCompiler } from '../../src/db/sqlite/sqlite-dialect.js';

// The edges of the decimal form (±(10^15 - 1)) and of the printf form beyond it among them.
const NUMBERS = [
  '-9223372036854775808', '-9223372036854775807', '-1000000000000001', '-1000000000000000', '-999999999999999', '-999999999999998',
  '-86400001', '-256', '-255', '-16', '-1', '0', '1', '15', '16', '1727740800000',
  '999999999999998', '999999999999999', '1000000000000000', '1000000000000001', '9007199254740993', '9223372036854775807',
];

describe('SQLite orderedText', () => {
  const db = new Database(':memory:');
  const text = (sql: string) => db.prepare(`SELECT ${sqliteCompiler.orderedText!(sql)} AS t`).pluck().get() as string;

  it('orders as the numbers do, NULL first', () => {
    const texts = NUMBERS.map((n) => text(n));
    expect(texts.every((t) => t.length === 17)).toBe(true);
    expect(text('NULL')).toBe('');
    const sorted = [...texts].sort((a, b) => (Buffer.from(a) < Buffer.from(b) ? -1 : 1));
    expect(sorted).toEqual(texts);
    expect(text('NULL') < texts[0]!).toBe(true);
  });

  it('makes max() over event || created pick the newest event, then the newest created time, NULL last', () => {
    db.exec('CREATE TABLE r (id, e, c)');
    db.exec(`INSERT INTO r VALUES (1, -5, 9), (2, 3, NULL), (3, 3, -7), (4, 3, -8), (5, -1, 100)`);
    const newest = (where: string) =>
      db.prepare(`SELECT id, max(${sqliteCompiler.orderedText!('e')} || ${sqliteCompiler.orderedText!('c')}) FROM r WHERE ${where}`).pluck().get();
    expect(newest('1')).toBe(3); // e = 3 three times: created -7 beats -8 and NULL
    expect(newest('id IN (2, 4)')).toBe(4); // created -8 beats NULL
    expect(newest('id IN (1, 5)')).toBe(5); // e = -1 beats e = -5, whatever the created times
  });
});
