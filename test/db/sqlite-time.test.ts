import Database from 'better-sqlite3';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { sqliteCompiler } from '../../src/db/sqlite/sqlite-dialect.js';
import { SqliteTimeReader, sqliteBytesMs, sqliteTextMs } from '../../src/db/sqlite/sqlite-time.js';

// SQLite itself is the reference: the scan's reading of a stored time must be what
// sqliteCompiler.epochMs gives in SQL, value for value.
const oracle = new Database(':memory:');
const epochMs = oracle.prepare(`SELECT ${sqliteCompiler.epochMs('v')} FROM (SELECT ? AS v)`).pluck();
const sqlite = (v: unknown) => epochMs.get(v) as number | null;
let opened = 0;
const reader = new SqliteTimeReader(() => {
  opened++;
  return new Database(':memory:');
});
afterAll(() => {
  reader.close();
  oracle.close();
});

const pad = (n: number, width: number) => String(n).padStart(width, '0');
const digitsOf = (n: number) => fc.integer({ min: 0, max: 10 ** n - 1 }).map((v) => pad(v, n));

/** Stored times of the shapes sqliteTextMs reads, with every field in and out of its range. */
const timeText = fc
  .record({
    year: fc.oneof(fc.integer({ min: 0, max: 9999 }), fc.constantFrom(0, 1, 1969, 1970, 2000, 2024, 9998, 9999)),
    month: fc.integer({ min: 0, max: 19 }),
    day: fc.integer({ min: 0, max: 39 }),
    sep: fc.constantFrom('T', ' ', 't', '  ', 'x', ''),
    hour: fc.integer({ min: 0, max: 29 }),
    minute: fc.integer({ min: 0, max: 69 }),
    second: fc.option(fc.integer({ min: 0, max: 69 }), { nil: undefined }),
    fraction: fc.option(fc.oneof(fc.integer({ min: 1, max: 3 }).chain(digitsOf), fc.stringMatching(/^[0-9]{1,25}$/), fc.constant('')), { nil: undefined }),
    zone: fc.constantFrom('', '', 'Z', 'z', ' Z', '+00:00', '-00:00', '+02:00', '-05:30', '+14:59', '+15:00', '-07', '+0200', 'Zx'),
    dateOnly: fc.boolean(),
  })
  .map((t) => {
    const date = `${pad(t.year, 4)}-${pad(t.month, 2)}-${pad(t.day, 2)}`;
    if (t.dateOnly) return date;
    const seconds = t.second === undefined ? '' : `:${pad(t.second, 2)}${t.fraction === undefined ? '' : `.${t.fraction}`}`;
    return `${date}${t.sep}${pad(t.hour, 2)}:${pad(t.minute, 2)}${seconds}${t.zone}`;
  });

describe('reading SQLite stored times in Node (the merge scan)', () => {
  it('gives what SQLite gives for every text of the forms it reads, and leaves the rest to SQLite', () => {
    fc.assert(
      fc.property(timeText, (text) => {
        const expected = sqlite(text);
        expect(reader.read(text)).toBe(expected);
        // The reading in Node answers alone only with SQLite's answer.
        const own = sqliteTextMs(text);
        if (own !== undefined) expect(own).toBe(expected);
      }),
      { numRuns: 20_000 },
    );
  });

  it('reads a text\'s UTF-8 bytes inside a page as it reads the text, never past its end', () => {
    fc.assert(
      fc.property(timeText, fc.constantFrom('', '0', '00:00', ':59.999', '+05:30', 'Z', 'é'), (text, after) => {
        // Digits and separators around the text: a read past either end would change the answer.
        const page = Buffer.from(`99${text}${after}9`, 'utf8');
        const bytes = Buffer.byteLength(text, 'utf8');
        expect(sqliteBytesMs(page, 2, 2 + bytes)).toBe(sqliteTextMs(text));
      }),
      { numRuns: 5_000 },
    );
    expect(sqliteBytesMs(Buffer.from('x2024-03-01 12:00:00.5+01:00y'), 1, 28)).toBe(Date.UTC(2024, 2, 1, 11, 0, 0, 500));
    expect(sqliteBytesMs(Buffer.from('2024-03-01 12:00:00'), 0, 16)).toBe(Date.UTC(2024, 2, 1, 12));
    expect(sqliteBytesMs(Buffer.from('2024-03-01é'), 0, 12)).toBeUndefined();
    // Cut inside the seconds, the fraction and the offset: the bytes after are not read.
    expect(sqliteBytesMs(Buffer.from('2024-03-01 12:00:59'), 0, 18)).toBeUndefined();
    expect(sqliteBytesMs(Buffer.from('2024-03-01 12:00:59.'), 0, 19)).toBe(Date.UTC(2024, 2, 1, 12, 0, 59));
    expect(sqliteBytesMs(Buffer.from('2024-03-01 12:00:59.25'), 0, 21)).toBe(Date.UTC(2024, 2, 1, 12, 0, 59, 200));
    expect(sqliteBytesMs(Buffer.from('2024-03-01 12:00+05:30'), 0, 21)).toBeUndefined();
  });

  it('reads the forms stored times take without asking SQLite', () => {
    const cases: [string, number][] = [
      ['2024-03-01T12:00:00.123Z', Date.UTC(2024, 2, 1, 12, 0, 0, 123)],
      ['2024-03-01 12:00:00', Date.UTC(2024, 2, 1, 12)],
      ['2024-03-01T12:00:00', Date.UTC(2024, 2, 1, 12)],
      ['2024-03-01 12:00', Date.UTC(2024, 2, 1, 12)],
      ['2024-03-01', Date.UTC(2024, 2, 1)],
      ['2024-03-01T12:00:00.5Z', Date.UTC(2024, 2, 1, 12, 0, 0, 500)],
      ['2024-03-01T12:00:00.123+02:00', Date.UTC(2024, 2, 1, 10, 0, 0, 123)],
      ['2024-03-01T12:00:00-05:30', Date.UTC(2024, 2, 1, 17, 30)],
      ['1965-07-04 23:59:59.999', Date.UTC(1965, 6, 4, 23, 59, 59, 999)],
      // SQLite's own rules, kept: a fraction rounds to the ms below .9995 and is cut there above;
      // the day is not checked against the month; hour 24 is the next day's midnight.
      ['2024-03-01T12:00:00.1235Z', Date.UTC(2024, 2, 1, 12, 0, 0, 124)],
      ['2024-03-01T12:00:00.99999Z', Date.UTC(2024, 2, 1, 12, 0, 0, 999)],
      ['2023-02-31', Date.UTC(2023, 2, 3)],
      ['2024-03-01 24:00:00', Date.UTC(2024, 2, 2)],
    ];
    for (const [text, ms] of cases) {
      expect(sqliteTextMs(text)).toBe(ms);
      expect(sqlite(text)).toBe(ms);
    }
  });

  it('leaves to SQLite what it does not read, and SQLite answers', () => {
    const cases: [unknown, number | null][] = [
      ['0000-01-01', -62_167_219_200_000],
      ['2024-03-01  12:00:00', Date.UTC(2024, 2, 1, 12)], // two spaces
      ['2024-03-01T12:00:00 Z', Date.UTC(2024, 2, 1, 12)],
      ['2460371.0', Date.UTC(2024, 2, 1, 12)], // a Julian day number as text
      ['12:30:00', Date.UTC(2000, 0, 1, 12, 30)], // a time alone is on 2000-01-01
      ['2024-13-01', null],
      ['2024-03-01T12:00:00+0200', null],
      ['garbage', null],
      ['', null],
      [1.5, 2],
      [-2.5, -3],
      [Buffer.from('2024-03-01'), null],
    ];
    for (const [value, ms] of cases) {
      expect(sqliteTextMs(typeof value === 'string' ? value : '')).toBeUndefined();
      expect(reader.read(value)).toBe(ms);
      expect(sqlite(value)).toBe(ms);
    }
    expect(opened).toBe(1); // one database in memory, opened once
  });

  it('reads numbers as epoch ms as they are, and NULL as NULL', () => {
    for (const v of [0, 1_709_294_400_123, -86_400_001, Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER]) {
      expect(reader.read(v)).toBe(v);
      expect(sqlite(v)).toBe(v);
    }
    expect(Object.is(reader.read(-0), 0)).toBe(true);
    expect(reader.read(null)).toBeNull();
    expect(sqlite(null)).toBeNull();
  });
});
