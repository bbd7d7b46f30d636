import { expect, it } from 'vitest';
import { describeEngines } from '../support/engines.js';
import { withDatabase } from './helpers.js';

const T = Date.UTC(2024, 2, 1, 12, 0, 0, 0);

/** SPEC §2's text forms of a time, as SQLite and Trino read text columns. */
const TEXT_FORMS = [
  { v: '2024-03-01 12:00:00', expected: T },
  { v: '2024-03-01 12:00:00.123', expected: T + 123 },
  { v: '2024-03-01T12:00:00.123Z', expected: T + 123 },
  { v: '2024-03-01T12:00:00.123+02:00', expected: T + 123 - 2 * 3600_000 },
  { v: '2024-03-01T12:00:00-05:30', expected: T + 5.5 * 3600_000 },
  { v: '2024-03-01T12:00:00', expected: T },
  { v: '2024-03-01', expected: Date.UTC(2024, 2, 1) },
  { v: '1965-07-04 23:59:59.999', expected: Date.UTC(1965, 6, 4, 23, 59, 59, 999) },
];

describeEngines('epochMs', (ctx, engine) => {
  it('turns every stored form into exact epoch milliseconds, as numbers', async () => {
    const { admin } = ctx();
    let cases: { v: string | number | null; expected: number | null }[];
    let column: string;
    if (engine === 'sqlite') {
      await admin.raw('CREATE TABLE t (id INTEGER PRIMARY KEY, v)');
      column = 'v';
      cases = [
        ...TEXT_FORMS,
        { v: T + 7, expected: T + 7 }, // a number without a unit is epoch ms
        { v: null, expected: null },
        // SQLite's own readings, which a merge's scan (read in Node, sqlite-time.ts) keeps:
        { v: '2023-02-31', expected: Date.UTC(2023, 2, 3) }, // the day is not checked against the month
        { v: '2024-03-01T12:00:00.1235Z', expected: T + 124 }, // rounded to the ms
        { v: '2460371.0', expected: T }, // text of a number is a Julian day
        { v: '2024-13-01', expected: null },
        { v: 2.5, expected: 3 },
      ];
    } else if (engine === 'trino') {
      // Trino reads SPEC §2's text forms itself (its native types are the PostgreSQL cases below).
      await admin.raw('CREATE TABLE t (id int PRIMARY KEY, txt text)');
      column = 'txt';
      cases = [
        ...TEXT_FORMS,
        { v: '2024-03-01T12:00:00.123999Z', expected: T + 123 }, // truncated to the ms, like parseInstant
        { v: null, expected: null },
      ];
    } else if (engine === 'postgres') {
      await admin.raw('CREATE TABLE t (id int PRIMARY KEY, ts timestamp(6), tz timestamptz(6), d date, txt text)');
      column = 'ts';
      cases = [
        { v: '2024-03-01 12:00:00', expected: T },
        { v: '2024-03-01 12:00:00.123', expected: T + 123 },
        { v: '2024-03-01 12:00:00.123999', expected: T + 123 }, // truncated to the ms, like parseInstant
        { v: '1965-07-04 23:59:59.999', expected: Date.UTC(1965, 6, 4, 23, 59, 59, 999) },
        // Floored, not truncated, before 1970; the ends of the range; infinity stays infinite.
        { v: '1969-12-31 23:59:59.9995', expected: -1 },
        { v: '1969-12-31 23:59:59.999999', expected: -1 },
        { v: '1969-12-31 23:59:59', expected: -1000 },
        { v: '1970-01-01 00:00:00.000001', expected: 0 },
        { v: '1900-02-28 23:59:59.000999', expected: Date.UTC(1900, 1, 28, 23, 59, 59, 0) },
        { v: '9999-12-31 23:59:59.999999', expected: Date.UTC(9999, 11, 31, 23, 59, 59, 999) },
        { v: '4713-01-01 00:00:00 BC', expected: Date.UTC(-4712, 0, 1) }, // year 0 is 1 BC
        { v: 'infinity', expected: Infinity },
        { v: '-infinity', expected: -Infinity },
        { v: null, expected: null },
      ];
    } else {
      await admin.raw('CREATE TABLE t (id int PRIMARY KEY, ts DATETIME(6) NULL, tz TIMESTAMP(3) NULL, d DATE NULL)');
      column = 'ts';
      cases = [
        { v: '2024-03-01 12:00:00', expected: T },
        { v: '2024-03-01 12:00:00.123', expected: T + 123 },
        { v: '2024-03-01 12:00:00.123999', expected: T + 123 },
        { v: '1965-07-04 23:59:59.999', expected: Date.UTC(1965, 6, 4, 23, 59, 59, 999) },
        { v: null, expected: null },
      ];
    }
    await admin('t').insert(cases.map((c, i) => ({ id: i, [column]: c.v })));
    await withDatabase(ctx(), { readOnly: true }, async (db) => {
      const expr = db.compiler.epochMs(db.compiler.quoteIdentifier(column));
      const rows = await db.driver.all({ sql: `SELECT id, ${expr} AS ms FROM t ORDER BY id`, parameters: [] });
      expect(rows.map((r) => r.ms)).toEqual(cases.map((c) => c.expected));
      for (const r of rows) if (r.ms !== null) expect(typeof r.ms).toBe('number');
      // A merge's scan may select the time in the compiler's own scan form, which its
      // driver reads back as the same milliseconds (CompiledQuery.scanTimesAt).
      const scanSeconds = db.compiler.scanTime;
      const scan = {
        sql: `SELECT id, ${scanSeconds ? scanSeconds(db.compiler.quoteIdentifier(column)) : expr} AS ms FROM t ORDER BY id`,
        parameters: [],
        ...(scanSeconds ? { scanTimesAt: [1] } : {}),
      };
      const scanned: unknown[] = [];
      for await (const batch of db.driver.arrayBatches(scan)) for (const row of batch) scanned.push(row[1]);
      expect(scanned).toEqual(cases.map((c) => c.expected));
      // The same statement with a bound parameter, which PostgreSQL reads through a cursor, not COPY.
      const bound = { ...scan, sql: scan.sql.replace(' ORDER BY', ` WHERE id >= ${db.compiler.placeholder(1)} ORDER BY`), parameters: [0] };
      const viaCursor: unknown[] = [];
      for await (const batch of db.driver.arrayBatches(bound)) for (const row of batch) viaCursor.push(row[1]);
      expect(viaCursor).toEqual(cases.map((c) => c.expected));
    });
  });

  it('reads integer epochs in seconds and milliseconds', async () => {
    const { admin } = ctx();
    await admin.schema.createTable('e', (t) => {
      t.integer('id').primary();
      t.bigInteger('s');
      t.bigInteger('ms');
    });
    const rows = [
      { id: 1, s: T / 1000, ms: T + 123 },
      { id: 2, s: -86400, ms: -86_400_001 },
      { id: 3, s: null, ms: null },
    ];
    await admin('e').insert(rows);
    await withDatabase(ctx(), { readOnly: true }, async (db) => {
      const d = db.compiler;
      const got = await db.driver.all({
        sql: `SELECT ${d.epochMs('s', 's')} AS s, ${d.epochMs('ms', 'ms')} AS ms FROM e ORDER BY id`,
        parameters: [],
      });
      expect(got).toEqual([
        { s: T, ms: T + 123 },
        { s: -86_400_000, ms: -86_400_001 },
        { s: null, ms: null },
      ]);
    });
  });

  // The floor to the millisecond before 1970, the ends of DATETIME's range, dates the server
  // cannot read (NULL, never an instant) and text the server reads as a date-time.
  it.skipIf(engine !== 'mysql')('floors every MariaDB form to the millisecond, and gives NULL for dates it cannot read', async () => {
    const { admin } = ctx();
    await admin.raw(`CREATE TABLE m (id int, d DATETIME(6) NULL, dd DATE NULL, txt VARCHAR(40) NULL)`);
    // A session without strict mode stores the zero and impossible dates a loose import
    // leaves (one connection: the transaction's).
    await admin.transaction(async (trx) => {
      await trx.raw(`SET SESSION sql_mode = ''`);
      await trx.raw(
      `INSERT INTO m VALUES (1, '1969-12-31 23:59:59.999500', '1969-12-31', '1969-12-31 23:59:59.9995'),
                            (2, '1000-01-01 00:00:00.000001', '1000-01-01', '20240301'),
                            (3, '9999-12-31 23:59:59.999999', '9999-12-31', '2024-03-01T12:00:00.1234567'),
                            (4, '0000-00-00 00:00:00', '0000-00-00', '2024-02-30'),
                            (5, '2024-00-10 00:00:00', '2024-00-10', 'garbage'),
                            (6, '1900-02-28 23:59:59.000999', '1600-02-29', '2024-3-1 12:00')`,
      );
    });
    await withDatabase(ctx(), { readOnly: true }, async (db) => {
      const e = (c: string) => db.compiler.epochMs(db.compiler.quoteIdentifier(c));
      const rows = await db.driver.all({ sql: `SELECT ${e('d')} AS d, ${e('dd')} AS dd, ${e('txt')} AS txt FROM m ORDER BY id`, parameters: [] });
      expect(rows).toEqual([
        { d: -1, dd: -86_400_000, txt: -1 },
        { d: Date.UTC(1000, 0, 1), dd: Date.UTC(1000, 0, 1), txt: Date.UTC(2024, 2, 1) },
        { d: Date.UTC(9999, 11, 31, 23, 59, 59, 999), dd: Date.UTC(9999, 11, 31), txt: T + 123 },
        { d: null, dd: null, txt: null },
        { d: null, dd: null, txt: null },
        { d: Date.UTC(1900, 1, 28, 23, 59, 59, 0), dd: Date.UTC(1600, 1, 29), txt: T },
      ]);
    });
  });

  // SQLite has no native time types; its text forms are covered above.
  it.skipIf(engine === 'sqlite')('reads native zoned timestamps and dates as UTC instants', async () => {
    const { admin, storage } = ctx();
    if (storage === 'postgres') {
      await admin.raw(`CREATE TABLE n (id int, tz timestamptz(3), d date, txt text)`);
      await admin.raw(
        `INSERT INTO n VALUES (1, '2024-03-01 12:00:00.123+02', '2024-03-01', '2024-03-01T12:00:00.123Z'),
                              (2, '1965-07-04 23:59:59.999+00', '1965-07-04', '2024-03-01 12:00:00')`,
      );
    } else {
      await admin.raw(`CREATE TABLE n (id int, tz TIMESTAMP(3) NULL, d DATE NULL, txt VARCHAR(40) NULL)`);
      await admin.raw(
        `INSERT INTO n VALUES (1, '2024-03-01 10:00:00.123', '2024-03-01', '2024-03-01T12:00:00.123'),
                              (2, NULL, '1965-07-04', '2024-03-01 12:00:00')`,
      );
    }
    await withDatabase(ctx(), { readOnly: true }, async (db) => {
      const e = (c: string) => db.compiler.epochMs(db.compiler.quoteIdentifier(c));
      const rows = await db.driver.all({
        sql: `SELECT ${e('tz')} AS tz, ${e('d')} AS d, ${e('txt')} AS txt FROM n ORDER BY id`,
        parameters: [],
      });
      expect(rows).toEqual([
        { tz: T + 123 - 2 * 3600_000, d: Date.UTC(2024, 2, 1), txt: T + 123 },
        {
          tz: storage === 'postgres' ? Date.UTC(1965, 6, 4, 23, 59, 59, 999) : null,
          d: Date.UTC(1965, 6, 4),
          txt: T,
        },
      ]);
    });
  });
});
