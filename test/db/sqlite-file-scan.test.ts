import { mkdtempSync, openSync, readSync, rmSync, writeSync, closeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import type { ScanItem } from '../../src/db/dialect.js';
import { planFileScan, readFileScan } from '../../src/db/sqlite/sqlite-file-scan.js';
import { sqliteCompiler } from '../../src/db/sqlite/sqlite-dialect.js';
import { sqliteTextMs } from '../../src/db/sqlite/sqlite-time.js';

// The statement is the reference: a file scan must give the rows stepping its select list
// gives, value for value (Object.is: -0 stays -0), in rowid order; a `time` item gives a
// stored time text as sqliteTextMs reads it (the driver's reading of the same text) and
// anything else as stored. Small pages (512 bytes) so that a few rows make interior
// pages, and long values spill onto overflow pages.
const dir = mkdtempSync(join(tmpdir(), 'spellbook-file-scan-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;
const noWait = () => Promise.resolve();

function fileDb(setup: string, pageSize = 512): { db: Database.Database; file: string } {
  const file = join(dir, `db${files++}.sqlite`);
  const db = new Database(file);
  db.pragma(`page_size = ${pageSize}`);
  db.exec(setup);
  return { db, file };
}

/** The select list a scan's items stand for (group-columns.ts writes the same). */
function selectList(items: readonly ScanItem[]): string {
  const q = sqliteCompiler.quoteIdentifier;
  return items
    .map((item) => ('constant' in item ? '1' : item.read === 'int' ? sqliteCompiler.exactInt!(`src.${q(item.column)}`) : `src.${q(item.column)}`))
    .join(', ');
}

function stepped(db: Database.Database, table: string, items: readonly ScanItem[]): unknown[][] {
  const rows = db.prepare(`SELECT ${selectList(items)} FROM ${table} AS src`).raw(true).all() as unknown[][];
  const times = items.map((item) => 'column' in item && item.read === 'time');
  return rows.map((r) => r.map((v, i) => (times[i] && typeof v === 'string' ? (sqliteTextMs(v) ?? v) : v)));
}

/** The file scan's rows, in one read transaction as the driver runs it; undefined where it does not apply. */
async function scanned(db: Database.Database, table: string, items: readonly ScanItem[] | undefined): Promise<unknown[][] | undefined> {
  db.exec('BEGIN');
  try {
    const plan = planFileScan(db, table, items);
    if (plan === undefined) return undefined;
    const rows: unknown[][] = [];
    for await (const batch of readFileScan(plan, noWait)) rows.push(...batch);
    return rows;
  } finally {
    db.exec('COMMIT');
  }
}

const COLUMNS = 'k INTEGER, v, w REAL, x INTEGER, y TEXT, z NUMERIC, s ANY, b BLOB';
const ITEMS: ScanItem[] = [
  { column: 'k', read: 'raw' },
  { column: 'v', read: 'raw' },
  { column: 'w', read: 'int' },
  { column: 'x', read: 'int' },
  { column: 'y', read: 'time' },
  { column: 'z', read: 'raw' },
  { column: 'S', read: 'time' },
  { constant: 1 },
  { column: 'b', read: 'raw' },
  { column: 'v', read: 'int' },
];

/** A double from any 64 bits but NaN's (SQLite stores NaN as NULL). */
const storedValue = fc.oneof(
  fc.constant(null),
  fc.integer(),
  fc.constantFrom(2 ** 53, -(2 ** 53), 2 ** 53 - 1, -(2 ** 53) + 1, -(2 ** 53) - 2, 0, -0, 127, -128, 32767, 8388607, -8388608, 2 ** 47, -(2 ** 47)),
  fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }),
  fc.double({ noNaN: true }),
  fc.constantFrom(Infinity, -Infinity, 5e-324, 1.7976931348623157e308, 0.1 + 0.2),
  fc.string({ unit: 'binary' }),
  fc.string({ unit: 'grapheme', minLength: 200, maxLength: 3000 }),
  fc.uint8Array({ maxLength: 2000 }).map((a) => Buffer.from(a)),
  fc.constantFrom('', '\u0000', 'é€𝄞', '2024-01-01T00:00:00Z', '2024-02-31 23:59:59.9999+05:30', '2024-01-01', '2024-01-01T24:00', 'x'.repeat(5000)),
);
const row = fc.record({ rowid: fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }), values: fc.array(storedValue, { minLength: 8, maxLength: 8 }) });

function tableOf(rows: readonly { rowid: bigint; values: readonly unknown[] }[]): Database.Database {
  const { db } = fileDb(`CREATE TABLE t (${COLUMNS})`);
  db.defaultSafeIntegers(true);
  const insert = db.prepare('INSERT OR IGNORE INTO t (rowid, k, v, w, x, y, z, s, b) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)');
  for (const r of rows) insert.run(r.rowid, ...r.values);
  db.defaultSafeIntegers(false);
  return db;
}

describe('SQLite file scan', () => {
  it('gives the rows and values the statement gives, for every storage class and affinity, any rowids, interior and overflow pages', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(row, { maxLength: 80, size: 'max' }), async (rows) => {
        const db = tableOf(rows);
        try {
          expect(await scanned(db, 't', ITEMS)).toStrictEqual(stepped(db, 't', ITEMS));
        } finally {
          db.close();
        }
      }),
      { numRuns: 120 },
    );
  });

  it('reads a table of many pages over several levels of interior pages, and one whose root is a leaf', async () => {
    const { db } = fileDb('CREATE TABLE t (k INTEGER, e TEXT, v REAL); CREATE TABLE one (k INTEGER)');
    const insert = db.prepare('INSERT INTO t VALUES (?, ?, ?)');
    db.transaction(() => {
      for (let i = 0; i < 20_000; i++) insert.run(i % 977, new Date(Date.UTC(2024, 0, 1) + i * 60_000).toISOString(), i / 4);
    })();
    db.exec('INSERT INTO one VALUES (7)');
    const items: ScanItem[] = [{ column: 'k', read: 'raw' }, { column: 'e', read: 'time' }, { column: 'v', read: 'raw' }];
    try {
      const got = (await scanned(db, 't', items))!;
      expect(got).toHaveLength(20_000);
      expect(got[12_345]).toStrictEqual([12_345 % 977, Date.UTC(2024, 0, 1) + 12_345 * 60_000, 12_345 / 4]);
      expect(got).toStrictEqual(stepped(db, 't', items));
      expect(await scanned(db, 'one', [{ column: 'k', read: 'raw' }])).toStrictEqual([[7]]);
      expect(await scanned(db, 'main.one', [{ column: 'K', read: 'raw' }])).toStrictEqual([[7]]);
    } finally {
      db.close();
    }
  });

  it('reads an INTEGER PRIMARY KEY column as the rowid, exactly as an int beyond 2^53', async () => {
    const { db } = fileDb('CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)');
    db.defaultSafeIntegers(true);
    db.prepare('INSERT INTO t VALUES (?, ?)').run(2n ** 60n + 1n, 'big');
    db.prepare('INSERT INTO t VALUES (?, ?)').run(-5n, 'neg');
    db.prepare('INSERT INTO t VALUES (?, ?)').run(300n, 'small');
    db.defaultSafeIntegers(false);
    try {
      const items: ScanItem[] = [{ column: 'id', read: 'int' }, { column: 'id', read: 'raw' }, { column: 'v', read: 'raw' }];
      expect(await scanned(db, 't', items)).toStrictEqual([
        [-5, -5, 'neg'],
        [300, 300, 'small'],
        ['1152921504606846977', 2 ** 60, 'big'],
      ]);
      expect(await scanned(db, 't', items)).toStrictEqual(stepped(db, 't', items));
    } finally {
      db.close();
    }
  });

  it('reads a record written before ALTER TABLE ADD COLUMN (without a default) as NULL there, as SQLite does', async () => {
    const { db } = fileDb("CREATE TABLE t (k INTEGER); INSERT INTO t VALUES (1); ALTER TABLE t ADD COLUMN v REAL; INSERT INTO t VALUES (2, 2.5)");
    try {
      const items: ScanItem[] = [{ column: 'k', read: 'raw' }, { column: 'v', read: 'raw' }];
      expect(await scanned(db, 't', items)).toStrictEqual([
        [1, null],
        [2, 2.5],
      ]);
    } finally {
      db.close();
    }
  });

  it.each([
    ['a WAL database', 'PRAGMA journal_mode = WAL; CREATE TABLE t (k INTEGER)', 't'],
    ['a view', 'CREATE TABLE u (k INTEGER); CREATE VIEW t AS SELECT k FROM u', 't'],
    ['a WITHOUT ROWID table', 'CREATE TABLE t (k INTEGER PRIMARY KEY) WITHOUT ROWID', 't'],
    ['a column added with a default', 'CREATE TABLE t (x INTEGER); ALTER TABLE t ADD COLUMN k INTEGER DEFAULT 3', 't'],
    ['a generated column', 'CREATE TABLE t (k INTEGER, g INTEGER GENERATED ALWAYS AS (k + 1) VIRTUAL)', 't'],
    ['an INTEGER PRIMARY KEY DESC (not the rowid)', 'CREATE TABLE t (k INTEGER PRIMARY KEY DESC)', 't'],
    ['a temp table of the same name', 'CREATE TABLE t (k INTEGER); CREATE TEMP TABLE t (k INTEGER)', 't'],
    ['a table of an attached database', `ATTACH ':memory:' AS other; CREATE TABLE other.t (k INTEGER)`, 'other.t'],
    ['a column the table does not have', 'CREATE TABLE t (j INTEGER)', 't'],
  ])('leaves %s to SQLite', async (_case, setup, table) => {
    const { db } = fileDb(setup);
    try {
      expect(await scanned(db, table, [{ column: 'k', read: 'raw' }])).toBeUndefined();
    } finally {
      db.close();
    }
  });

  it('leaves a UTF-16 database, a database in memory and an undescribed select list to SQLite', async () => {
    const file = join(dir, 'utf16.sqlite');
    const utf16 = new Database(file);
    utf16.exec("PRAGMA encoding = 'UTF-16le'; CREATE TABLE t (k INTEGER)");
    const memory = new Database(':memory:');
    memory.exec('CREATE TABLE t (k INTEGER)');
    const { db } = fileDb('CREATE TABLE t (k INTEGER)');
    try {
      expect(await scanned(utf16, 't', [{ column: 'k', read: 'raw' }])).toBeUndefined();
      expect(await scanned(memory, 't', [{ column: 'k', read: 'raw' }])).toBeUndefined();
      expect(await scanned(db, 't', undefined)).toBeUndefined();
      expect(await scanned(db, 't', [{ column: 'k', read: 'raw' }])).toStrictEqual([]);
    } finally {
      utf16.close();
      memory.close();
      db.close();
    }
  });

  it('holds the read lock while it reads: a writer cannot commit until the scan ends (its descriptor is SQLite\'s own, never closed)', async () => {
    const { db: writer, file } = fileDb('CREATE TABLE t (k INTEGER)');
    writer.transaction(() => {
      for (let i = 0; i < 5000; i++) writer.prepare('INSERT INTO t VALUES (?)').run(i);
    })();
    writer.pragma('busy_timeout = 0');
    const reader = new Database(file, { readonly: true });
    try {
      reader.exec('BEGIN');
      const plan = planFileScan(reader, 't', [{ column: 'k', read: 'raw' }])!;
      expect(plan).toBeDefined();
      let batches = 0, rows = 0;
      for await (const batch of readFileScan(plan, noWait)) {
        if (batches++ === 0) expect(() => writer.exec('DELETE FROM t')).toThrow(/database is locked/);
        rows += batch.length;
      }
      expect(batches).toBeGreaterThan(1);
      expect(rows).toBe(5000);
      expect(() => writer.exec('DELETE FROM t')).toThrow(/database is locked/);
      reader.exec('COMMIT');
      writer.exec('DELETE FROM t');
      expect(writer.prepare('SELECT count(*) FROM t').pluck().get()).toBe(0);
    } finally {
      reader.close();
      writer.close();
    }
  });

  it('fails with the table, the page and what is wrong where a page is damaged', async () => {
    const { db, file } = fileDb('CREATE TABLE t (k INTEGER, v TEXT)');
    db.transaction(() => {
      for (let i = 0; i < 500; i++) db.prepare('INSERT INTO t VALUES (?, ?)').run(i, `value ${i}`);
    })();
    const leaf = (db.prepare("SELECT pageno FROM dbstat WHERE name = 't' AND pagetype = 'leaf' ORDER BY pageno DESC LIMIT 1").pluck().get() as number);
    db.close();
    const fd = openSync(file, 'r+');
    const byte = Buffer.alloc(1);
    readSync(fd, byte, 0, 1, (leaf - 1) * 512);
    expect(byte[0]).toBe(0x0d);
    writeSync(fd, Buffer.from([0x07]), 0, 1, (leaf - 1) * 512);
    closeSync(fd);
    const damaged = new Database(file, { readonly: true });
    try {
      await expect(scanned(damaged, 't', [{ column: 'k', read: 'raw' }])).rejects.toThrow(
        `table t: page ${leaf} of the database file is not a table b-tree leaf page; the file may be damaged (PRAGMA integrity_check tells)`,
      );
    } finally {
      damaged.close();
    }
  });
});
