/**
 * A merge's scan reads SQLite's stored times as they are and turns them into epoch ms
 * here: the statement's `unixepoch()` was a fifth of stepping a scan (docs/benchmarks.md).
 * The answer must be the one sqliteCompiler.epochMs gives in SQL, so this is SQLite's own
 * date parser (sqlite3.c: parseYyyyMmDd, parseHhMmSs, parseTimezone, computeJD) written
 * again for the forms stored times take: `YYYY-MM-DD`, then `T` or a space, `HH:MM`,
 * `:SS`, `.F…`, and `Z`, `z` or `±HH:MM`. Any other value SQLite itself reads (see
 * SqliteTimeReader), so forms this does not know cost time, never an answer.
 * test/db/sqlite-time.test.ts holds the two against each other.
 */
import type BetterSqlite3 from 'better-sqlite3';
import { sqliteCompiler } from './sqlite-dialect.js';

/** 1970-01-01T00:00:00Z as SQLite's iJD: Julian day milliseconds. */
const UNIX_EPOCH_JD_MS = 210_866_760_000_000;

function twoDigits(b: Uint8Array, at: number): number {
  const x = b[at]! - 48, y = b[at + 1]! - 48;
  return x >= 0 && x <= 9 && y >= 0 && y <= 9 ? x * 10 + y : -1;
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** computeJD's day part (Meeus, page 61), in C's integer arithmetic: every operand is positive here. */
function julianDayMs(year: number, month: number, day: number): number {
  let y = year, m = month;
  if (m <= 2) {
    y--;
    m += 12;
  }
  const a = Math.floor((y + 4800) / 100);
  const b = 38 - a + Math.floor(a / 4);
  const x1 = Math.floor((36525 * (y + 4716)) / 100);
  const x2 = Math.floor((306001 * (m + 1)) / 10000);
  return (x1 + x2 + day + b - 1524.5) * 86_400_000;
}

/** A text's UTF-16 code units as bytes, for sqliteBytesMs: any unit above 0x7f as 0xff, which no form has. */
let scratch = new Uint8Array(64);

/**
 * `CAST(round(unixepoch(text, 'subsec') * 1000) AS INTEGER)` for the forms above, or
 * undefined for a text this does not read (SQLite may still read it, or give NULL).
 * Years 1 to 9998 only, where no offset or hour 24 can leave SQLite's range.
 */
export function sqliteTextMs(text: string): number | undefined {
  const n = text.length;
  if (n > scratch.length) scratch = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    scratch[i] = c < 0x80 ? c : 0xff;
  }
  return sqliteBytesMs(scratch, 0, n);
}

/**
 * sqliteTextMs of the UTF-8 text in bytes [start, end) of `b`: the file scan reads stored
 * times so, without making strings of them (sqlite-file-scan.ts). A byte of a multibyte
 * character (0x80 and up) is never part of a form this reads, as above.
 */
export function sqliteBytesMs(b: Uint8Array, start: number, end: number): number | undefined {
  const n = end - start;
  if (n < 10 || b[start + 4] !== 45 || b[start + 7] !== 45) return undefined;
  const hi = twoDigits(b, start), lo = twoDigits(b, start + 2);
  const year = hi * 100 + lo, month = twoDigits(b, start + 5), day = twoDigits(b, start + 8);
  if (hi < 0 || lo < 0 || year < 1 || year > 9998 || month < 1 || month > 12 || day < 1 || day > 31) return undefined;
  // SQLite does not check the day against the month: 02-31 is three days into March.
  const dayMs = julianDayMs(year, month, day) - UNIX_EPOCH_JD_MS;
  if (n === 10) return dayMs;
  const sep = b[start + 10]!;
  if ((sep !== 84 && sep !== 32) || n < 16 || b[start + 13] !== 58) return undefined;
  const hour = twoDigits(b, start + 11), minute = twoDigits(b, start + 14);
  if (hour < 0 || hour > 24 || minute < 0 || minute > 59) return undefined;
  let i = 16, second = 0, fraction = 0;
  if (i < n && b[start + i] === 58) {
    second = n >= 19 ? twoDigits(b, start + 17) : -1;
    if (second < 0 || second > 59) return undefined;
    i = 19;
    if (i + 1 < n && b[start + i] === 46 && isDigit(b[start + i + 1]!)) {
      // parseHhMmSs's double arithmetic, operation for operation, so long fractions round alike.
      let scale = 1;
      for (i++; i < n && isDigit(b[start + i]!); i++) {
        fraction = fraction * 10 + b[start + i]! - 48;
        scale *= 10;
      }
      fraction /= scale;
      if (fraction > 0.999) fraction = 0.999;
    }
  }
  let offsetMinutes = 0;
  if (i < n) {
    const c = b[start + i]!;
    if ((c === 90 || c === 122) && i === n - 1) {
      // Z: UTC, as no offset is.
    } else if ((c === 43 || c === 45) && n - i === 6 && b[start + i + 3] === 58) {
      const oh = twoDigits(b, start + i + 1), om = twoDigits(b, start + i + 4);
      if (oh < 0 || oh > 14 || om < 0 || om > 59) return undefined;
      offsetMinutes = (c === 45 ? -1 : 1) * (oh * 60 + om);
    } else {
      return undefined;
    }
  }
  return dayMs + hour * 3_600_000 + minute * 60_000 + Math.trunc((second + fraction) * 1000 + 0.5) - offsetMinutes * 60_000;
}

/**
 * sqliteCompiler.epochMs of a stored value, as the scan reads it (better-sqlite3 without
 * safe integers): a number, null, or undefined where SQLite must answer (a text
 * sqliteTextMs does not read, a fractional or unsafe number, anything else).
 */
export function storedTimeMs(value: unknown): number | null | undefined {
  if (typeof value === 'string') return sqliteTextMs(value);
  // An INTEGER is epoch ms as it is; a REAL holding a whole number rounds to itself (+0 for -0).
  if (typeof value === 'number') return Number.isSafeInteger(value) ? value + 0 : undefined;
  return value === null ? null : undefined;
}

/**
 * Reads a scan's stored times (CompiledQuery.scanTimesAt) as epoch ms: storedTimeMs where
 * it answers, else SQLite's own epochMs on a database of its own in memory, opened at the
 * first such value (the scan's connection is busy stepping its statement).
 */
export class SqliteTimeReader {
  private memory: BetterSqlite3.Database | undefined;
  private statement: BetterSqlite3.Statement | undefined;

  constructor(private readonly open: () => BetterSqlite3.Database) {}

  read(value: unknown): number | null {
    const ms = storedTimeMs(value);
    return ms !== undefined ? ms : this.askSqlite(value);
  }

  private askSqlite(value: unknown): number | null {
    if (this.statement === undefined) {
      this.memory = this.open();
      this.statement = this.memory.prepare(`SELECT ${sqliteCompiler.epochMs('v')} FROM (SELECT ? AS v)`).pluck();
    }
    return this.statement.get(value) as number | null;
  }

  close(): void {
    this.memory?.close();
  }
}
