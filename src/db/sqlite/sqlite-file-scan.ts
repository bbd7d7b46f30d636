/**
 * A merge's scan of a whole table read from the database file's own b-tree pages, in a
 * read transaction of the scan's connection. SQLite's own work on a scan — a value at a
 * time into JSON text (sqlite-paged-scan.ts), then JSON.parse — was most of a join's CPU
 * on SQLite (~0.6 s of a million rows of four columns); the pages hold the same values in
 * a simple record format (https://www.sqlite.org/fileformat2.html) that this reads
 * directly, in about a quarter of that (0.16 s; docs/benchmarks.md, "Eleventh session").
 *
 * Only where the answer is certainly the same as the statement's; anywhere else the
 * caller reads pages of JSON as before:
 * - a rowid table of the main database, no view, virtual or WITHOUT ROWID table, no
 *   generated columns, the read columns without a default (a record written before an
 *   ALTER TABLE … ADD COLUMN lacks it and takes the default: NULL only);
 * - a database file in a rollback-journal mode: the read transaction's shared lock then
 *   keeps every writer out of the file until it ends; in WAL mode the newest pages may be
 *   in the WAL, so such a database is read by SQLite;
 * - UTF-8 text (the default; UTF-16 databases are read by SQLite);
 * - the scan's select list described column by column (CompiledQuery.wholeTable.items);
 * - Linux, where SQLite's own file descriptor is found in /proc/self/fd. Opening the file
 *   again would be wrong: closing any descriptor of a file drops every POSIX lock the
 *   process holds on it, the shared lock this read relies on included. SQLite's
 *   descriptor stays open while its connection holds a lock (sqlite3.c, unixClose defers
 *   the close), and reads here are positional (pread), so its offset is not disturbed.
 *
 * The values are the statement's: an integer as a number (an int read exactly beyond 2^53
 * as its digits, QueryCompiler.exactInt), a REAL with its bits (so -0.0 keeps its sign),
 * text decoded from UTF-8 as better-sqlite3 does, a BLOB as a Buffer, the rowid for an
 * INTEGER PRIMARY KEY column (whose record holds NULL). A REAL column's whole values that
 * SQLite stores as integers are the same numbers read either way: it does so only within
 * ±2^47 (sqlite3.c, sqlite3VdbeSerialType), where no int is read as digits.
 */
import { readdirSync, readSync, statSync } from 'node:fs';
import type BetterSqlite3 from 'better-sqlite3';
import type { ScanItem } from '../dialect.js';
import { SpellbookError } from '../../errors.js';
import { sqliteBytesMs } from './sqlite-time.js';
import { pragmaTable } from './sqlite-paged-scan.js';

/** Leaf pages a batch: 256 KiB of 4 KiB pages, about 4,000 rows of four columns. */
const CHUNK_PAGES = 64;
/** A batch's leaves are read in one piece where they lie within this many pages. */
const SPAN_PAGES = 4 * CHUNK_PAGES;

/** What a select-list item takes from a record. */
type Field =
  | { readonly kind: 'stored'; readonly index: number; readonly exactInt: boolean; readonly time: boolean }
  | { readonly kind: 'rowid'; readonly exactInt: boolean }
  | { readonly kind: 'constant' };

/** A table's file scan, planned in the read transaction that reads it. */
export interface FileScan {
  readonly table: string;
  readonly fd: number;
  readonly pageSize: number;
  /** The page size less the bytes each page reserves at its end. */
  readonly usable: number;
  readonly pageCount: number;
  readonly root: number;
  readonly fields: readonly Field[];
}

/** SQLite's ASCII-only case folding of identifiers. */
function foldCase(name: string): string {
  return name.replace(/[A-Z]/g, (c) => c.toLowerCase());
}

/** The descriptor of this process that SQLite reads `file` through, or undefined (not Linux, or not found). */
function sqliteDescriptor(file: string): number | undefined {
  try {
    const target = statSync(file);
    for (const name of readdirSync('/proc/self/fd')) {
      try {
        const s = statSync(`/proc/self/fd/${name}`);
        if (s.isFile() && s.dev === target.dev && s.ino === target.ino) return Number(name);
      } catch {
        // A descriptor closed since the listing, or one that is not a file.
      }
    }
  } catch {
    // No /proc, or the file went away: SQLite reads it instead.
  }
  return undefined;
}

interface TableInfo {
  name: string;
  type: string;
  dflt_value: unknown;
  pk: number;
  hidden: number;
}

/**
 * The file scan of `table` for `items`, or undefined where the statement must read it
 * (see the top of this file). Called in a read transaction: its read of the schema
 * takes the shared lock the file read relies on.
 */
export function planFileScan(connection: BetterSqlite3.Database, table: string, items: readonly ScanItem[] | undefined): FileScan | undefined {
  if (items === undefined) return undefined;
  const named = pragmaTable(table);
  if (named === undefined || (named.schema !== undefined && foldCase(named.schema) !== 'main')) return undefined;
  const { literal } = named;
  let listed: { schema: string; name: string; type: string; wr: number }[];
  let columns: TableInfo[];
  let sql: string | undefined, root: number | undefined, file: string | undefined, pageCount: number;
  try {
    // Every schema's: an unqualified name may be a temp table's before main's.
    listed = connection.prepare(`PRAGMA table_list(${literal})`).all() as typeof listed;
    if (listed.length !== 1 || listed[0]!.schema !== 'main' || listed[0]!.type !== 'table' || listed[0]!.wr !== 0) return undefined;
    columns = connection.prepare(`PRAGMA main.table_xinfo(${literal})`).all() as TableInfo[];
    const schema = connection.prepare(`SELECT rootpage, sql FROM main.sqlite_schema WHERE type = 'table' AND name = ?`).get(listed[0]!.name) as
      | { rootpage: number; sql: string }
      | undefined;
    root = schema?.rootpage;
    sql = schema?.sql;
    file = (connection.prepare('PRAGMA database_list').all() as { name: string; file: string }[]).find((d) => d.name === 'main')?.file;
    pageCount = connection.prepare('PRAGMA main.page_count').pluck().get() as number;
  } catch {
    return undefined;
  }
  if (root === undefined || sql === undefined || !file || columns.some((c) => c.hidden !== 0)) return undefined;
  // An INTEGER PRIMARY KEY column is the rowid, except written `… PRIMARY KEY DESC` (a
  // quirk SQLite keeps): any DESC in the statement leaves the table to SQLite.
  const pks = columns.filter((c) => c.pk > 0);
  const rowidColumn = pks.length === 1 && pks[0]!.type.toUpperCase() === 'INTEGER' ? pks[0]!.name : undefined;
  if (rowidColumn !== undefined && /desc/i.test(sql)) return undefined;
  const fields: Field[] = [];
  for (const item of items) {
    if ('constant' in item) {
      fields.push({ kind: 'constant' });
      continue;
    }
    const index = columns.findIndex((c) => foldCase(c.name) === foldCase(item.column));
    if (index < 0) return undefined;
    const column = columns[index]!;
    const exactInt = item.read === 'int';
    if (column.name === rowidColumn) fields.push({ kind: 'rowid', exactInt });
    else if (column.dflt_value !== null) return undefined;
    else fields.push({ kind: 'stored', index, exactInt, time: item.read === 'time' });
  }
  const fd = sqliteDescriptor(file);
  if (fd === undefined) return undefined;
  const header = Buffer.alloc(100);
  try {
    if (readSync(fd, header, 0, 100, 0) !== 100) return undefined;
  } catch {
    // The descriptor went away since it was found: SQLite reads the table.
    return undefined;
  }
  if (header.toString('latin1', 0, 16) !== 'SQLite format 3\u0000') return undefined;
  // Read and write versions 1: a rollback journal (2 is WAL). Text encoding 1: UTF-8.
  if (header[18] !== 1 || header[19] !== 1 || header.readUInt32BE(56) !== 1) return undefined;
  const sizeField = header.readUInt16BE(16);
  const pageSize = sizeField === 1 ? 65536 : sizeField;
  return { table: listed[0]!.name, fd, pageSize, usable: pageSize - header[20]!, pageCount, root, fields };
}

function damaged(scan: FileScan, page: number, what: string): SpellbookError {
  return new SpellbookError('DATABASE', `table ${scan.table}: page ${page} of the database file ${what}; the file may be damaged (PRAGMA integrity_check tells)`);
}

/** Reads whole pages [first, first + count) into `into` from byte `at`. */
function readPages(scan: FileScan, into: Uint8Array, first: number, count: number, at = 0): void {
  const length = count * scan.pageSize;
  let done = 0;
  while (done < length) {
    const n = readSync(scan.fd, into, at + done, length - done, (first - 1) * scan.pageSize + done);
    if (n === 0) throw damaged(scan, first, 'is past the end of the file');
    done += n;
  }
}

/** The big-endian unsigned integer of `bytes` bytes at `at`. */
function uint(b: Uint8Array, at: number, bytes: number): number {
  let v = 0;
  for (let i = 0; i < bytes; i++) v = v * 256 + b[at + i]!;
  return v;
}

/**
 * The table's leaf pages in rowid order, read through its interior pages. Every leaf of a
 * b-tree is as deep as the first: below that depth, an interior page's children are
 * leaves, not read here (RecordReader.readPage checks each is one).
 */
function leafPages(scan: FileScan): number[] {
  const leaves: number[] = [];
  const page = new Uint8Array(scan.pageSize);
  let leafDepth = -1;
  const visit = (number: number, depth: number): void => {
    if (number < 1 || number > scan.pageCount || depth > 64) throw damaged(scan, number, 'is out of the table b-tree');
    if (depth === leafDepth) {
      leaves.push(number);
      return;
    }
    readPages(scan, page, number, 1);
    const h = number === 1 ? 100 : 0;
    const type = page[h];
    if (type === 0x0d) {
      if (leafDepth >= 0) throw damaged(scan, number, 'is a leaf page above the depth of the others');
      leafDepth = depth;
      leaves.push(number);
      return;
    }
    if (type !== 0x05) throw damaged(scan, number, 'is not a table b-tree page');
    const cells = uint(page, h + 3, 2);
    const children: number[] = [];
    for (let c = 0; c < cells; c++) children.push(uint(page, uint(page, h + 12 + 2 * c, 2), 4));
    children.push(uint(page, h + 8, 4));
    // `page` is read again by each child: the children are taken first.
    for (const child of children) visit(child, depth + 1);
  };
  visit(scan.root, 0);
  return leaves;
}

/** Decodes records of a leaf page's cells into rows of the scan's fields. */
class RecordReader {
  private readonly types = new Int32Array(64);
  private readonly offsets = new Int32Array(64);
  private readonly float = new Float64Array(1);
  private readonly floatBytes = new Uint8Array(this.float.buffer);
  /** The last varint's length in bytes (varint). */
  private length = 0;
  private readonly lastField: number;

  constructor(private readonly scan: FileScan) {
    this.lastField = Math.max(-1, ...scan.fields.map((f) => (f.kind === 'stored' ? f.index : -1)));
    if (this.lastField >= this.types.length) {
      this.types = new Int32Array(this.lastField + 1);
      this.offsets = new Int32Array(this.lastField + 1);
    }
  }

  /** A varint as a number: exact up to 2^53, which payload sizes and header fields never pass. */
  private varint(b: Uint8Array, at: number): number {
    let v = 0;
    for (let i = 0; i < 8; i++) {
      const x = b[at + i]!;
      v = v * 128 + (x & 0x7f);
      if (x < 0x80) {
        this.length = i + 1;
        return v;
      }
    }
    this.length = 9;
    return v * 256 + b[at + 8]!;
  }

  /** A rowid varint exactly: a number where safe, else a bigint (two's complement, 64 bits). */
  private rowid(b: Uint8Array, at: number): number | bigint {
    // Up to seven bytes (49 bits) a rowid is a positive number.
    const small = this.varint(b, at);
    if (this.length <= 7) return small;
    let v = 0n;
    let i = 0;
    for (; i < 8; i++) {
      const x = b[at + i]!;
      v = (v << 7n) | BigInt(x & 0x7f);
      if (x < 0x80) break;
    }
    if (i === 8) v = (v << 8n) | BigInt(b[at + 8]!);
    this.length = Math.min(i + 1, 9);
    const signed = BigInt.asIntN(64, v);
    const n = Number(signed);
    return Number.isSafeInteger(n) ? n : signed;
  }

  /** Every cell of the leaf page at `base` of `buffer` (page number `number`), as rows onto `out`. */
  readPage(buffer: Buffer, base: number, number: number, out: unknown[][]): void {
    const { scan } = this;
    const h = base + (number === 1 ? 100 : 0);
    if (buffer[h] !== 0x0d) throw damaged(scan, number, 'is not a table b-tree leaf page');
    const cells = uint(buffer, h + 3, 2);
    const maxLocal = scan.usable - 35;
    for (let c = 0; c < cells; c++) {
      let p = base + ((buffer[h + 8 + 2 * c]! << 8) | buffer[h + 9 + 2 * c]!);
      const payload = this.varint(buffer, p);
      p += this.length;
      const rowid = this.rowid(buffer, p);
      p += this.length;
      if (payload <= maxLocal) out.push(this.record(buffer, p, p + payload, rowid, number));
      else {
        const whole = this.overflowed(buffer, p, payload, number);
        out.push(this.record(whole, 0, payload, rowid, number));
      }
    }
  }

  /** A payload that spills onto overflow pages, put together. */
  private overflowed(buffer: Buffer, at: number, payload: number, number: number): Buffer {
    const { usable, pageSize } = this.scan;
    const minLocal = Math.floor(((usable - 12) * 32) / 255) - 23;
    const k = minLocal + ((payload - minLocal) % (usable - 4));
    const local = k <= usable - 35 ? k : minLocal;
    const whole = Buffer.allocUnsafe(payload);
    whole.set(buffer.subarray(at, at + local));
    const page = new Uint8Array(pageSize);
    let next = uint(buffer, at + local, 4);
    for (let done = local; done < payload; ) {
      if (next < 1 || next > this.scan.pageCount) throw damaged(this.scan, number, 'has a cell whose overflow chain leaves the file');
      readPages(this.scan, page, next, 1);
      const n = Math.min(usable - 4, payload - done);
      whole.set(page.subarray(4, 4 + n), done);
      done += n;
      next = uint(page, 0, 4);
    }
    return whole;
  }

  /** One record (payload [start, end) of `b`) as the scan's row. */
  private record(b: Buffer, start: number, end: number, rowid: number | bigint, number: number): unknown[] {
    const { types, offsets, lastField } = this;
    const headerEnd = start + this.varint(b, start);
    let p = start + this.length;
    let offset = headerEnd;
    let n = 0;
    for (; n <= lastField && p < headerEnd; n++) {
      const t = this.varint(b, p);
      p += this.length;
      types[n] = t;
      offsets[n] = offset;
      offset += t >= 12 ? (t - 12) >> 1 : SIZES[t]!;
    }
    if (offset > end) throw damaged(this.scan, number, 'has a record longer than its cell');
    const { fields } = this.scan;
    const row = new Array<unknown>(fields.length);
    for (let i = 0; i < fields.length; i++) {
      const f = fields[i]!;
      if (f.kind !== 'stored') row[i] = f.kind === 'constant' ? 1 : typeof rowid === 'number' ? rowid : f.exactInt ? String(rowid) : Number(rowid);
      else if (f.index >= n) row[i] = null;
      else {
        const type = types[f.index]!, at = offsets[f.index]!;
        // A stored time in a form sqliteTextMs reads is its epoch ms at once, as
        // SqliteDriver would make it of the text (it keeps numbers that are whole ms).
        const ms = f.time && type >= 13 && (type & 1) === 1 ? sqliteBytesMs(b, at, at + ((type - 13) >> 1)) : undefined;
        row[i] = ms !== undefined ? ms : this.value(b, type, at, f.exactInt, number);
      }
    }
    return row;
  }

  private value(b: Buffer, type: number, at: number, exactInt: boolean, number: number): unknown {
    switch (type) {
      case 0:
        return null;
      case 1:
        return (b[at]! << 24) >> 24;
      case 2:
        return ((b[at]! << 24) >> 16) | b[at + 1]!;
      case 3:
        return ((b[at]! << 24) >> 8) | (b[at + 1]! << 8) | b[at + 2]!;
      case 4:
        return (b[at]! << 24) | (b[at + 1]! << 16) | (b[at + 2]! << 8) | b[at + 3]!;
      case 5:
        return ((b[at]! << 24) >> 16 | b[at + 1]!) * 4294967296 + uint(b, at + 2, 4);
      case 6: {
        // One rounding of the exact sum: the double SQLite (and better-sqlite3) makes of it.
        const v = ((b[at]! << 24) | (b[at + 1]! << 16) | (b[at + 2]! << 8) | b[at + 3]!) * 4294967296 + uint(b, at + 4, 4);
        if (Number.isSafeInteger(v) || !exactInt) return v;
        return String((BigInt((b[at]! << 24) | (b[at + 1]! << 16) | (b[at + 2]! << 8) | b[at + 3]!) << 32n) + BigInt(uint(b, at + 4, 4)));
      }
      case 7: {
        const bytes = this.floatBytes;
        for (let i = 0; i < 8; i++) bytes[7 - i] = b[at + i]!;
        return this.float[0]!;
      }
      case 8:
        return 0;
      case 9:
        return 1;
      case 10:
      case 11:
        throw damaged(this.scan, number, `has a record of serial type ${type}, which SQLite never writes`);
      default: {
        const length = (type - 12) >> 1;
        if ((type & 1) === 0) return Buffer.from(b.subarray(at, at + length));
        return text(b, at, length);
      }
    }
  }
}

/** Bytes of the fixed-size serial types 0 to 11. */
const SIZES = [0, 1, 2, 3, 4, 6, 8, 8, 0, 0, 0, 0];

/** UTF-8 text, as better-sqlite3 makes it (V8's decoder, a malformed byte as U+FFFD). */
function text(b: Buffer, at: number, length: number): string {
  for (let i = 0; i < length; i++) if (b[at + i]! >= 0x80) return b.toString('utf8', at, at + length);
  // ASCII: the cheaper decoder gives the same string.
  return b.toString('latin1', at, at + length);
}

/**
 * Every row of a planned file scan, CHUNK_PAGES leaf pages a batch, `between` awaited
 * after each. The caller holds the read transaction from planning to the end.
 */
export async function* readFileScan(scan: FileScan, between: () => Promise<void>): AsyncGenerator<unknown[][]> {
  const leaves = leafPages(scan);
  const chunk = Buffer.allocUnsafe(SPAN_PAGES * scan.pageSize);
  const reader = new RecordReader(scan);
  for (let first = 0; first < leaves.length; first += CHUNK_PAGES) {
    const count = Math.min(CHUNK_PAGES, leaves.length - first);
    let low = Infinity, high = 0;
    for (let k = 0; k < count; k++) (low = Math.min(low, leaves[first + k]!)), (high = Math.max(high, leaves[first + k]!));
    const rows: unknown[][] = [];
    if (high - low < SPAN_PAGES) {
      // The pages between are read too: tables written side by side interleave their
      // pages, and a read a page was most of a scan's system time (30,000 reads at scale 1).
      readPages(scan, chunk, low, high - low + 1);
      for (let k = 0; k < count; k++) reader.readPage(chunk, (leaves[first + k]! - low) * scan.pageSize, leaves[first + k]!, rows);
    } else {
      // Each run of consecutive pages is one read.
      for (let k = 0; k < count; ) {
        let run = 1;
        while (k + run < count && leaves[first + k + run] === leaves[first + k]! + run) run++;
        readPages(scan, chunk, leaves[first + k]!, run, k * scan.pageSize);
        k += run;
      }
      for (let k = 0; k < count; k++) reader.readPage(chunk, k * scan.pageSize, leaves[first + k]!, rows);
    }
    yield rows;
    await between();
  }
}
