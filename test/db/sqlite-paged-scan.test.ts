import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { mayHoldSignedZero, pagingRowid, preparePages, readPages } from '../../src/db/sqlite/sqlite-paged-scan.js';

// Stepping the plain statement is the reference: a paged scan must give the same rows,
// value for value (Object.is: -0 stays -0), in the same (rowid) order. The columns take
// every affinity, and one is an expression, whose origin SQLite does not report.
const COLUMNS = 'k INTEGER, v, w REAL, x INTEGER, y TEXT, z NUMERIC, s ANY';
const SCAN =
  'SELECT "src"."k" AS "k0", "src"."v" AS "f0", "src"."w" AS "f1", "src"."x" AS "f2", "src"."y" AS "f3", "src"."z" AS "f4", "src"."s" AS "f5",' +
  ' CASE WHEN "src"."k" IS NOT NULL THEN "src"."v" END AS "f6" FROM "t" AS "src"';
const WHOLE = { table: 't', alias: 'src' };
const noWait = () => Promise.resolve();

function scanOf(db: Database.Database, rowsPerPage: number, rowid = '_rowid_') {
  const pages = preparePages(db, { sql: SCAN, parameters: [] }, WHOLE, rowid, rowsPerPage);
  if (pages === undefined) throw new Error('the test scan does not page');
  return readPages(db, pages, noWait);
}

async function paged(db: Database.Database, rowsPerPage: number, rowid = '_rowid_'): Promise<{ rows: unknown[][]; pages: number }> {
  const rows: unknown[][] = [];
  let pages = 0;
  for await (const page of scanOf(db, rowsPerPage, rowid)) {
    pages++;
    rows.push(...page);
  }
  return { rows, pages };
}

const stepped = (db: Database.Database, scan = SCAN) => db.prepare(scan).raw(true).all() as unknown[][];

/** A double from any 64 bits but NaN's (SQLite stores NaN as NULL). */
const anyDouble = fc.double({ noNaN: true });
/** Every storage class, and the values whose JSON form could differ from stepping's. */
const storedValue = fc.oneof(
  fc.constant(null),
  fc.integer(),
  fc.constantFrom(2 ** 53, -(2 ** 53) - 2, 0, -0),
  fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }),
  anyDouble,
  fc.constantFrom(Infinity, -Infinity, -0, 5e-324, 1.7976931348623157e308, 0.1 + 0.2),
  fc.string({ unit: 'binary' }),
  fc.constantFrom('', '"', '\\', '\u0000', '\n\t\r', 'é€𝄞', '[1,2]', 'null', '2024-01-01T00:00:00Z'),
);
const row = fc.record({ rowid: fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }), values: fc.array(storedValue, { minLength: 6, maxLength: 6 }) });

function tableOf(rows: readonly { rowid: bigint; values: readonly unknown[] }[], blob?: number): Database.Database {
  const db = new Database(':memory:');
  db.defaultSafeIntegers(true);
  db.exec(`CREATE TABLE t (${COLUMNS})`);
  const insert = db.prepare('INSERT OR IGNORE INTO t (rowid, k, v, w, x, y, z, s) VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
  rows.forEach((r, i) => insert.run(r.rowid, i, i === blob ? Buffer.from([i & 255, 0, 255]) : r.values[0], ...r.values.slice(1)));
  db.defaultSafeIntegers(false);
  return db;
}

const plainRows = (n: number, rowid = (i: number) => BigInt(i)) => Array.from({ length: n }, (_, i) => ({ rowid: rowid(i), values: [i / 3, i, i, `y${i}`, i, i] }));

describe('SQLite paged scan', () => {
  it('gives the rows and values stepping gives, for every storage class, any rowids and any page size', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(row, { maxLength: 60, size: 'max' }), fc.integer({ min: 1, max: 9 }), async (rows, rowsPerPage) => {
        const db = tableOf(rows);
        try {
          const { rows: got, pages } = await paged(db, rowsPerPage);
          expect(got).toStrictEqual(stepped(db));
          expect(pages).toBe(Math.ceil(got.length / rowsPerPage));
        } finally {
          db.close();
        }
      }),
      { numRuns: 300 },
    );
  });

  it('reads a page holding a BLOB, which JSON cannot, by stepping it: same rows', async () => {
    const db = tableOf(plainRows(10, (i) => BigInt(i * 7 - 20)), 4);
    try {
      const { rows: got, pages } = await paged(db, 3);
      expect(pages).toBe(4);
      expect(got).toStrictEqual(stepped(db));
      expect(got[4]).toStrictEqual([4, Buffer.from([4, 0, 255]), 4, 4, 'y4', 4, 4, Buffer.from([4, 0, 255])]);
    } finally {
      db.close();
    }
  });

  it('keeps the sign of a REAL zero in every column that can hold one, an expression\'s too', async () => {
    const db = tableOf([{ rowid: 1n, values: [-0, -0, -0, '-0', -0, -0] }, { rowid: 2n, values: [0, 0, 0, '0', 0, 0] }]);
    try {
      const { rows } = await paged(db, 4);
      // Only the column without affinity keeps -0.0: INTEGER, NUMERIC (and ANY outside
      // STRICT tables) store it as 0, and REAL too (a whole REAL is stored as an integer).
      expect(rows).toStrictEqual([
        [0, -0, 0, 0, '-0', 0, 0, -0],
        [1, 0, 0, 0, '0', 0, 0, 0],
      ]);
      expect(rows).toStrictEqual(stepped(db));
    } finally {
      db.close();
    }
  });

  it.each([
    ['REAL', true, true],
    ['double precision', true, true],
    ['FLOAT', true, true],
    ['', true, true],
    ['BLOB', true, true],
    ['ANY', true, true],
    ['INTEGER', true, false],
    ['bigint', true, false],
    ['NUMERIC', true, false],
    ['DECIMAL(10,2)', true, false],
    ['VARCHAR(20)', true, false],
    ['TEXT', true, false],
    ['INTEGER', false, true],
  ])('a column declared %j (a table column: %s) may hold -0.0: %s', (declared, fromColumn, expected) => {
    expect(mayHoldSignedZero(declared, fromColumn)).toBe(expected);
  });

  it('an empty table is no page at all', async () => {
    const db = tableOf([]);
    try {
      expect(await paged(db, 4)).toStrictEqual({ rows: [], pages: 0 });
    } finally {
      db.close();
    }
  });

  it('reads one snapshot: rows written or deleted by another connection between pages are not seen', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'spellbook-paged-'));
    const file = join(dir, 'db.sqlite');
    const writer = new Database(file);
    writer.pragma('journal_mode = WAL');
    writer.exec(`CREATE TABLE t (${COLUMNS})`);
    const insert = writer.prepare('INSERT INTO t (k, v, w) VALUES (?, ?, ?)');
    for (let i = 0; i < 10; i++) insert.run(i, i * 1.5, i / 7);
    const reader = new Database(file, { readonly: true });
    try {
      const before = stepped(reader);
      const got: unknown[][] = [];
      for await (const page of scanOf(reader, 3)) {
        if (got.length === 0) {
          writer.exec('DELETE FROM t WHERE k = 8');
          insert.run(100, 1, 2);
        }
        got.push(...page);
      }
      expect(got).toStrictEqual(before);
      expect(reader.inTransaction).toBe(false);
      expect(stepped(reader)).toHaveLength(10);
      expect(stepped(reader).map((r) => r[0])).toContain(100);
    } finally {
      reader.close();
      writer.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('ends its transaction when the reader stops early, and leaves a caller\'s own transaction open', async () => {
    const db = tableOf(plainRows(10));
    try {
      for await (const page of scanOf(db, 3)) {
        expect(page).toHaveLength(3);
        expect(db.inTransaction).toBe(true);
        break;
      }
      expect(db.inTransaction).toBe(false);
      db.exec('BEGIN');
      expect((await paged(db, 4)).rows).toHaveLength(10);
      expect(db.inTransaction).toBe(true);
      db.exec('COMMIT');
    } finally {
      db.close();
    }
  });
});

describe('pagingRowid', () => {
  const db = new Database(':memory:');
  db.exec(`
    CREATE TABLE plain (a INTEGER, b TEXT);
    CREATE TABLE keyed (id INTEGER PRIMARY KEY, b TEXT);
    CREATE TABLE named (rowid TEXT, "_ROWID_" TEXT);
    CREATE TABLE taken (rowid TEXT, _rowid_ TEXT, oid TEXT);
    CREATE TABLE no_rowid (id INTEGER PRIMARY KEY, b TEXT) WITHOUT ROWID;
    CREATE VIEW v AS SELECT * FROM plain;
    CREATE VIRTUAL TABLE docs USING fts5(body);
    CREATE TABLE "it's" (a);
    ATTACH ':memory:' AS other;
    CREATE TABLE other.plain (a);
    CREATE VIEW other.keyed AS SELECT 1 AS a;
  `);
  afterAll(() => db.close());

  it.each([
    ['plain', '_rowid_'],
    ['main.plain', '_rowid_'],
    ['other.plain', '_rowid_'],
    ["it's", '_rowid_'],
    ['keyed', undefined], // a view of that name in another attached database: resolution could pick either
    ['main.keyed', '_rowid_'],
    ['named', 'oid'],
    ['taken', undefined],
    ['no_rowid', undefined],
    ['v', undefined],
    ['docs', undefined],
    ['missing', undefined],
    ['nowhere.plain', undefined],
    ['a.b.c', undefined],
  ])('%s pages on %s', (table, expected) => {
    expect(pagingRowid(db, table)).toBe(expected);
  });

  it('a column named like a rowid is never paged on: the scan reads every row once', async () => {
    const t = new Database(':memory:');
    try {
      t.exec(`CREATE TABLE t (${COLUMNS}, rowid TEXT, _rowid_ TEXT)`);
      const insert = t.prepare('INSERT INTO t (k, v, w, rowid, _rowid_) VALUES (?, ?, ?, ?, ?)');
      for (let i = 0; i < 7; i++) insert.run(i, i, i, 'same', 'same');
      const rowid = pagingRowid(t, 't');
      expect(rowid).toBe('oid');
      const { rows } = await paged(t, 2, rowid);
      expect(rows.map((r) => r[0])).toStrictEqual([0, 1, 2, 3, 4, 5, 6]);
    } finally {
      t.close();
    }
  });
});
