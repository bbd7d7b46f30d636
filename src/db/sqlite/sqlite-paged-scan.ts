/**
 * A merge's scan of a whole table, read a page of rows at a time, each page one statement
 * whose single row holds every column of the page as a JSON array (json_group_array),
 * parsed by JSON.parse. Stepping a scan row by row, better-sqlite3 creates each value in
 * JavaScript through a call of its own, and that was most of a scan's cost: a million rows
 * of five columns 1.56 → 0.80 s of CPU (docs/benchmarks.md, "Eighth session").
 *
 * The values are the ones stepping gives: SQLite writes a REAL with the digits that read
 * back as the same double (2M random bit patterns, subnormals and extremes included, came
 * back identical), integers as their digits (which JSON.parse rounds to the nearest double
 * as better-sqlite3 does; exact ints beyond 2^53 are text already, see exactInt), text
 * escaped. A page JSON cannot hold (a BLOB) is read again by stepping: same rows, same values.
 *
 * Pages are rowid ranges [first, next first): the bound of each is found by skipping
 * PAGE_ROWS rowids in the table's own b-tree, so sparse or huge rowids page as well as
 * dense ones, and a read transaction keeps every page in one snapshot, as the one
 * statement it replaces did.
 */
import type BetterSqlite3 from 'better-sqlite3';
import { tableSql } from '../identifier.js';
import { sqliteCompiler } from './sqlite-dialect.js';

/** Rows a page: 1,024 to 8,192 measured alike; 16,384 was slower (larger texts to parse). */
export const PAGE_ROWS = 4096;

/** The names SQLite gives a rowid table's rowid, unless a column takes one for itself. */
const ROWID_NAMES = ['_rowid_', 'rowid', 'oid'];

const q = sqliteCompiler.quoteIdentifier;

/**
 * A table as metadata names it (`table` or `schema.table`) for a PRAGMA about it: its
 * schema as written, if named, and its name as a string literal; undefined for more parts.
 */
export function pragmaTable(table: string): { schema: string | undefined; literal: string } | undefined {
  const parts = table.split('.');
  if (parts.length > 2) return undefined;
  const name = parts.pop()!;
  return { schema: parts[0], literal: `'${name.split("'").join("''")}'` };
}

/**
 * The name a scan of `table` can page on, or undefined when it cannot: a view, a virtual
 * table or a WITHOUT ROWID table (no rowid, or none ordered in a b-tree of its own), a
 * name the same in several attached databases of which one is such, a table whose
 * columns take all three rowid names, or an SQLite too old for `PRAGMA table_list` (3.37).
 */
export function pagingRowid(connection: BetterSqlite3.Database, table: string): string | undefined {
  const named = pragmaTable(table);
  if (named === undefined) return undefined;
  const schema = named.schema === undefined ? '' : `${q(named.schema)}.`;
  const { literal } = named;
  try {
    const listed = connection.prepare(`PRAGMA ${schema}table_list(${literal})`).all() as { type: string; wr: number }[];
    if (listed.length === 0 || listed.some((t) => t.type !== 'table' || t.wr !== 0)) return undefined;
    const columns = connection.prepare(`PRAGMA ${schema}table_xinfo(${literal})`).all() as { name: string }[];
    const taken = new Set(columns.map((c) => c.name.toLowerCase()));
    return ROWID_NAMES.find((n) => !taken.has(n));
  } catch {
    return undefined;
  }
}

/** A column of the scan, and whether it may hold a REAL -0.0, whose sign JSON would lose. */
export interface PageColumn {
  readonly name: string;
  readonly signedZero: boolean;
}

/**
 * Whether a column of a scan may hold -0.0: SQLite writes it as `0.0`, in JSON too, so such
 * a column sends its negative zeros as the JSON number `-0.0` (atan2 tells the sign).
 * A table column of INTEGER or NUMERIC affinity turns a -0.0 written to it into the
 * integer 0, one of TEXT affinity into text: those cannot. An expression (origin
 * unknown) may.
 */
export function mayHoldSignedZero(declared: string | null, fromColumn: boolean): boolean {
  if (!fromColumn || declared === null) return true;
  const t = declared.toUpperCase();
  if (t.includes('INT')) return false;
  if (t.includes('CHAR') || t.includes('CLOB') || t.includes('TEXT')) return false;
  if (t === '' || t.includes('BLOB') || t.includes('REAL') || t.includes('FLOA') || t.includes('DOUB') || t === 'ANY') return true;
  return false;
}

/** The statements of a paged scan of `scan` (`SELECT <list> FROM <table> AS <alias>`), pure text. */
export function pageStatements(scan: string, table: string, alias: string, rowid: string, columns: readonly PageColumn[], rowsPerPage = PAGE_ROWS) {
  const r = `${q(alias)}.${rowid}`;
  // As the scan names it (sourceSql).
  const from = `${tableSql(sqliteCompiler, table)} AS ${q(alias)}`;
  const value = ({ name, signedZero }: PageColumn) => {
    const c = q(name);
    // Nested so that only zeros pay for the test.
    return signedZero ? `CASE WHEN ${c} = 0 THEN CASE WHEN typeof(${c}) = 'real' AND atan2(${c}, -1) < 0 THEN json('-0.0') ELSE ${c} END ELSE ${c} END` : c;
  };
  const json = (where: string) => `SELECT ${columns.map((c) => `json_group_array(${value(c)})`).join(', ')} FROM (${scan} WHERE ${where})`;
  return {
    first: `SELECT min(${r}) FROM ${from}`,
    /** The first rowid of the page after the one starting at `?`; none for the last page. */
    next: `SELECT ${r} FROM ${from} WHERE ${r} >= ? ORDER BY ${r} LIMIT 1 OFFSET ${rowsPerPage}`,
    page: json(`${r} >= ? AND ${r} < ?`),
    lastPage: json(`${r} >= ?`),
    stepPage: `${scan} WHERE ${r} >= ? AND ${r} < ?`,
    stepLastPage: `${scan} WHERE ${r} >= ?`,
  };
}

/** A page's columns as rows, in SELECT-list order. */
export function pageRows(columns: readonly unknown[][]): unknown[][] {
  const width = columns.length;
  const length = width === 0 ? 0 : columns[0]!.length;
  const rows: unknown[][] = new Array<unknown[]>(length);
  for (let i = 0; i < length; i++) {
    const row = new Array<unknown>(width);
    for (let c = 0; c < width; c++) row[c] = columns[c]![i];
    rows[i] = row;
  }
  return rows;
}

type Statement = BetterSqlite3.Statement;

/** A paged scan's prepared statements, and the scan's own parameters (its select list's), bound before the page bounds. */
export interface Pages {
  readonly parameters: readonly unknown[];
  readonly first: Statement;
  readonly next: Statement;
  readonly page: Statement;
  readonly lastPage: Statement;
  readonly stepPage: Statement;
  readonly stepLastPage: Statement;
}

/**
 * The paged scan of `scan`, a scan of every row of `whole`, paged on `rowid` (pagingRowid),
 * or undefined where this SQLite cannot prepare it (one built without JSON or math functions):
 * the caller then steps the scan.
 */
export function preparePages(
  connection: BetterSqlite3.Database,
  scan: { readonly sql: string; readonly parameters: readonly unknown[] },
  whole: { readonly table: string; readonly alias: string },
  rowid: string,
  rowsPerPage = PAGE_ROWS,
): Pages | undefined {
  try {
    const columns = connection
      .prepare(scan.sql)
      .columns()
      .map((c) => ({ name: c.name, signedZero: mayHoldSignedZero(c.type, c.column !== null) }));
    const sql = pageStatements(scan.sql, whole.table, whole.alias, rowid, columns, rowsPerPage);
    return {
      parameters: scan.parameters,
      // Rowids are 64-bit: as BigInt they page exactly beyond 2^53.
      first: connection.prepare(sql.first).pluck().safeIntegers(true),
      next: connection.prepare(sql.next).pluck().safeIntegers(true),
      page: connection.prepare(sql.page).raw(true),
      lastPage: connection.prepare(sql.lastPage).raw(true),
      stepPage: connection.prepare(sql.stepPage).raw(true),
      stepLastPage: connection.prepare(sql.stepLastPage).raw(true),
    };
  } catch {
    return undefined;
  }
}

/**
 * Every row of a paged scan, a page a batch, `between` awaited after each. Starts a read
 * transaction unless the connection is in one, and ends it.
 */
export async function* readPages(connection: BetterSqlite3.Database, pages: Pages, between: () => Promise<void>): AsyncGenerator<unknown[][]> {
  const { parameters } = pages;
  const own = !connection.inTransaction;
  if (own) connection.exec('BEGIN');
  try {
    let from = pages.first.get() as bigint | null;
    while (from !== null) {
      const to = (pages.next.get(from) as bigint | undefined) ?? null;
      const bounds = to === null ? [from] : [from, to];
      let texts: string[] | undefined;
      try {
        texts = (to === null ? pages.lastPage : pages.page).get(...parameters, ...bounds) as string[];
      } catch {
        // A value JSON cannot hold (a BLOB): step this page instead; its errors are the real ones.
      }
      if (texts !== undefined) yield pageRows(texts.map((t) => JSON.parse(t) as unknown[]));
      else yield (to === null ? pages.stepLastPage : pages.stepPage).all(...parameters, ...bounds) as unknown[][];
      from = to;
      await between();
    }
  } finally {
    if (own && connection.inTransaction) connection.exec('COMMIT');
  }
}
