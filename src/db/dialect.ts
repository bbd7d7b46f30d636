/**
 * One interface per concern, one implementation per engine (sqlite/, postgres/, mysql/, trino/).
 * The core never asks which engine it runs on; it asks the dialect for a piece of SQL
 * or the driver for rows. SQL *generation* (QueryCompiler, pure) is kept apart from
 * what an engine *can do* (EngineAdapter, pure, as in Kysely) and from *execution*
 * (Driver, I/O), as in drizzle.
 */
import type { ConnectionSpec } from './connection.js';
import type { EpochUnit, FeatureType, KeyType } from '../metadata/types.js';
import type { SessionOptions } from './open.js';
import type { EngineName } from './registry.js';

export type { EngineName } from './registry.js';

/** A row as the driver returns it, keyed by the aliases of the SELECT list. */
export type Row = Record<string, unknown>;

/** SQL text with its bound parameters, in the dialect's own placeholder style. */
export interface CompiledQuery {
  readonly sql: string;
  readonly parameters: readonly unknown[];
  /**
   * Columns holding a time in its engine's scan form (QueryCompiler.scanTime), which the
   * driver's arrayBatches reads as whole epoch milliseconds, as epochMs would have given
   * them. Only the engine whose compiler writes such columns sets this, so only its driver
   * needs to read it.
   */
  readonly scanTimesAt?: readonly number[];
  /**
   * Set when the statement is `SELECT <list> FROM <table> AS <alias>`: every row of one
   * table (as metadata names it, `schema.table` allowed), no WHERE. A driver may read it in
   * pieces by appending a WHERE of its own on the alias (SqliteDriver reads rowid ranges).
   * `items` says what each item of <list> reads, where every one is a column or a constant
   * (sqlite-file-scan.ts reads those from the file's pages).
   */
  readonly wholeTable?: { readonly table: string; readonly alias: string; readonly items?: readonly ScanItem[] };
}

/**
 * What a select-list item of a whole-table scan reads: a column as stored (`raw`), as
 * QueryCompiler.exactInt reads it (`int`), or in QueryCompiler.scanTime's form (`time`);
 * or the constant 1.
 */
export type ScanItem = { readonly column: string; readonly read: 'raw' | 'int' | 'time' } | { readonly constant: 1 };

/** A column of `QueryCompiler.jsonRows`: a key type, or `float` for epoch milliseconds. */
export interface JsonColumn {
  readonly name: string;
  readonly type: KeyType | 'float';
}

/**
 * What a column is declared to hold, for `validate`: a feature or key type, or integer
 * epochs (a group's event/created time with `event_time_unit`).
 */
export type DeclaredType = FeatureType | 'epoch';

/**
 * A value parsed from an import file, engine-neutral: int as a number (decimal text
 * beyond 2^53), float as a number, bool as a boolean, string as is, timestamp as epoch
 * milliseconds (UTC), date as `YYYY-MM-DD`; null for an empty field.
 */
export type ImportValue = string | number | boolean | null;

/** See QueryCompiler.timeComparison. */
export interface TimeComparison {
  readonly column: string;
  instant(placeholder: string): string;
  instantValue(ms: number): unknown;
  /**
   * Whether `column` is always a whole number of milliseconds (or NULL): then a ttl's
   * `e >= from AND e <= at` is exact as one `BETWEEN`, which computes `e` once, not twice.
   * Not where stored times keep microseconds (`e <= at` must then be written `e < at + 1ms`).
   */
  readonly wholeMs?: boolean;
}

/** Comparing through epochMs: the instant is a number of milliseconds. */
export function epochComparison(column: string, cast: (p: string) => string = (p) => p): TimeComparison {
  return { column, instant: cast, instantValue: (ms) => ms };
}

/**
 * A table or column the database says does not exist, as it named it (`src.balance`,
 * `"accounts"`, `db.accounts`): the library maps it back to the metadata's words.
 */
export interface MissingObject {
  readonly kind: 'table' | 'column';
  readonly name: string;
}

/**
 * The SQL one engine speaks (Kysely's query compiler): quoting, placeholders, time
 * expressions, key order, rows from bound JSON. Pure, no I/O.
 */
export interface QueryCompiler {
  readonly engine: EngineName;
  /** Quotes an identifier from metadata (table, column, alias); doubles embedded quotes. */
  quoteIdentifier(name: string): string;
  /** Placeholder for the parameter at 1-based position `index` (`?` or `$1`). */
  placeholder(index: number): string;
  /**
   * An expression giving the stored time in `column` as epoch milliseconds, a number,
   * whatever the storage: native timestamp types (naive ones meaning UTC), ISO text in
   * either SQLite form, or integer epochs in `unit`. `storedType`, where the caller knows
   * the column's type (a labels query's columns, from the database), lets an engine write
   * a cheaper expression for it; the value is the same either way.
   */
  epochMs(columnSql: string, unit?: EpochUnit, storedType?: string): string;
  /**
   * Whether a labels query's time column of this type (as the database reports it) is
   * better read back from its own field in Node than selected as epoch ms beside it: a
   * type whose text spellbook reads exactly and which orders as its instant does. Where
   * every row crosses the network as text (Trino's JSON), the narrower row pays.
   */
  labelTimeFromField?(storedType: string): boolean;
  /**
   * For a merge's scan only, where a stored time (no unit) is cheaper to read than epochMs:
   * the time in a form the engine's driver turns into the same epoch milliseconds in Node
   * (CompiledQuery.scanTimesAt). PostgreSQL: `extract(epoch)`'s numeric text, floored to
   * the millisecond, without the numeric arithmetic and the cast to float8 that were about
   * half the server's work for a scan. SQLite: the stored value itself, read by a copy of
   * SQLite's own date parser (sqlite/sqlite-time.ts), cheaper than `unixepoch()` in the
   * statement (docs/benchmarks.md).
   */
  readonly scanTime?: (columnSql: string) => string;
  /**
   * A stored time as an expression that orders and compares like the instant it holds,
   * cheaply: the native column where the engine's own timestamp types already do (no
   * per-row conversion, an index stays usable), else `epochMs`. `instant(p)` turns a
   * placeholder bound to `instantValue(ms)` into something comparable with it.
   */
  timeComparison(columnSql: string, unit?: EpochUnit): TimeComparison;
  /**
   * An expression to ORDER BY so that the database sorts key values the way
   * `compareKeys` in src/core/keys.ts does (binary / code-point order for strings, numeric for ints),
   * whatever the column's collation.
   */
  keyOrder(columnSql: string, type: KeyType): string;
  /**
   * An expression of a key value (column or parameter) whose `=` holds exactly when
   * `compareKeyValues` gives 0: byte equality for strings, so 'abc' never meets 'ABC' or
   * 'abc ' under a case-insensitive or PAD SPACE collation. Ints are returned unchanged.
   */
  exactKey(sql: string, type: KeyType): string;
  /**
   * A FROM item `(…) AS alias` over a bound JSON array of arrays (`[[1, 1709294400000, "k"], …]`),
   * one row per inner array, column i named `columns[i].name` and typed `columns[i].type`.
   * Lets a whole chunk of labels travel as one parameter.
   */
  jsonRows(jsonSql: string, alias: string, columns: readonly JsonColumn[]): string;
  /**
   * The same FROM item over one bound array per column (`arraySql[i]` holds column i),
   * for engines whose driver binds arrays: no JSON to build in Node or to parse in the
   * database, and no size limit short of the protocol's. Absent: labels travel as JSON.
   */
  arrayRows?(arraySql: readonly string[], alias: string, columns: readonly JsonColumn[]): string;
  /**
   * Where the engine has an aggregate that keeps the row with the greatest ordering key
   * (Trino's max_by), the winning row of each GROUP BY group as one aggregate over it,
   * instead of ranking every candidate with ROW_NUMBER() and keeping rank 1: a partial
   * aggregation where the rows are read, not a ranking holding them all. `values` are kept
   * together, from one row; `priority` is compared term by term, greatest wins, and no
   * term is NULL (an empty list: any row). `field(resultSql, i)` reads value i back from
   * the aggregate's result. Absent: the statements rank.
   */
  greatestRow?(values: readonly string[], priority: readonly string[]): GreatestRow;
  /** `sql DESC` with NULL after every value (where the engine's DESC does not already put it there). */
  descNullsLast(sql: string): string;
  /**
   * Whether a computed ORDER BY term of a whole-result sort is also selected, as a last
   * column nobody reads. Trino projects a term that is not selected away after its final
   * merge of the sorted rows, in a stage of its own: one more task passing every row on.
   */
  selectsSortTerms?: boolean;
  /**
   * How `export`'s statement keeps the newest row of each key, where the engine has a
   * cheaper way than ranking every row with ROW_NUMBER() and keeping rank 1:
   * PostgreSQL's `DISTINCT ON (key) … ORDER BY key, priority…` (one sort, no window), or
   * SQLite's bare columns of a `max()` aggregate, which come from the row holding the
   * maximum (one pass over rows grouped by key, when the priority is one term), or a join
   * of the rows to their key's greatest event time, whose rows come newest first per key
   * and export keeps each key's first (MariaDB: no ranked copy of every visible row).
   */
  readonly latestRow?: 'distinct-on' | 'bare-max' | 'max-join';
  /** The SELECT modifier that has a GROUP BY sort its rows rather than update a temporary table per row. */
  readonly sortedGroupBy?: string;
  /**
   * Text whose binary order is the numeric order of a 64-bit integer expression, NULL
   * giving the empty text, below every other. With it, 'bare-max' also serves a group with
   * a created time: one max() over the event time's text followed by the created time's
   * orders rows as (event, created), newest first, as SPEC §2 ranks them.
   */
  orderedText?(integerSql: string): string;
  /**
   * An int feature's column as the driver reads it without rounding, where the driver
   * would: better-sqlite3 reads every INTEGER as a double, so a value beyond ±2^53 is
   * selected as its decimal text (which the type rule reads as a bigint). Absent: the
   * column itself.
   */
  exactInt?(columnSql: string): string;
}

/** See QueryCompiler.greatestRow. */
export interface GreatestRow {
  readonly aggregate: string;
  field(resultSql: string, i: number): string;
}

/**
 * What one engine can do, apart from the SQL it speaks (Kysely's adapter): its planner
 * and limits, transactional DDL, the column types and values of `import`, its type
 * catalog for `validate`, and how its errors read. Pure, no I/O.
 */
export interface EngineAdapter {
  /**
   * Whether the planner joins a small derived table of labels to an unindexed table with
   * a hash join (one scan). Where it does not, such a join is a nested loop: a scan per
   * label. The `auto` join strategy depends on it.
   */
  readonly hashJoins: boolean;
  /**
   * Most labels (from a file) for which `auto` picks the database join where it can find
   * each label's rows by hash or index; beyond it the merge's one scan per group wins.
   * Measured per engine (docs/benchmarks.md, "The database strategy and auto").
   */
  readonly databaseJoinMaxLabels: number;
  /** Most bound parameters one statement may carry on this engine. */
  readonly maxParameters: number;
  /**
   * Most bytes of SQL one statement should carry, values included where the driver
   * inlines them (mysql2 formats values into the text, bounded by max_allowed_packet).
   */
  readonly maxStatementBytes: number;
  /** Whether DDL inside a transaction rolls back with it (MySQL commits implicitly before DDL). */
  readonly transactionalDdl: boolean;
  /**
   * Why `import` does not write to this engine, where it cannot keep import's
   * all-or-nothing promise (SPEC §9 prefers refusing to weakening it); absent where it can.
   * Asked before connecting, so nothing is created, written or even checked.
   */
  readonly importRefusal?: string;
  /** The column type `import --create-table` gives a column holding values of `type`. */
  columnType(type: FeatureType): string;
  /**
   * A column as an index key in `CREATE INDEX … (…)`: the column itself, or on MariaDB a
   * prefix of a TEXT column (`columnType('string')`), which cannot be indexed whole.
   */
  indexKey(columnSql: string, type: FeatureType): string;
  /**
   * An import value in the form this engine's driver binds so the column stores it
   * exactly; timestamps become text the UTC session reads as the same instant.
   */
  bindValue(value: ImportValue, type: FeatureType): unknown;
  /**
   * Whether a column of this catalog type holds values of the declared type as spellbook
   * reads them (`validate`). Pure: the catalog lookup happens in the Introspector.
   */
  typeFits(column: ColumnInfo, declared: DeclaredType): boolean;
  /**
   * The missing table or column a driver error is about (this engine's "no such column" /
   * "no such table"), else undefined. Pure: it reads the error's code and text only.
   */
  missingObject(err: unknown): MissingObject | undefined;
  /**
   * How the driver hands back values of a column of this catalog type, so a labels
   * query's columns can be written the way spellbook writes values (io/label-values.ts):
   * native date-times and dates arrive as the session's UTC text, exact decimals as text;
   * everything else as a plain JS value.
   */
  valueForm(column: ColumnInfo): ValueForm;
  /**
   * Whether a driver error (a statement's `cause`) says the SQL text itself is wrong — a
   * syntax error, an unknown table or column — which is the user's input, not the
   * database failing or refusing.
   */
  rejectsText(err: unknown): boolean;
}

/**
 * An engine's SQL side by its two parts, for the code that needs both (import's DDL and
 * rows: a column's type from the adapter, its quoted name from the compiler). Every
 * caller names the part it uses; an open Database and a registry entry both have them.
 */
export interface EngineSql {
  readonly compiler: QueryCompiler;
  readonly adapter: EngineAdapter;
}

/** See EngineAdapter.valueForm. */
export type ValueForm = 'timestamp' | 'date' | 'decimal' | 'plain';

/** Execution: runs compiled queries on one open connection pool. */
export interface Driver {
  /**
   * Streams the rows of a query without buffering the result: `iterate()` on SQLite,
   * a cursor on PostgreSQL, a row stream on MySQL. Breaking out of the loop releases
   * the connection.
   */
  stream(query: CompiledQuery): AsyncIterable<Row>;
  /**
   * The same rows in arrays of up to a thousand or so: hot loops (the merge's scan) then
   * run synchronously within a batch instead of awaiting every row.
   */
  batches(query: CompiledQuery): AsyncIterable<Row[]>;
  /**
   * The same rows as arrays, values in SELECT-list order: no object per row and no
   * property lookups by alias, which is most of a scan's cost in the driver (SQLite's
   * `raw()`, pg's `rowMode: 'array'`, mysql2's `rowsAsArray`).
   */
  arrayBatches(query: CompiledQuery): AsyncIterable<unknown[][]>;
  /** Runs a query and returns every row (for small results: catalog lookups, counts). */
  all(query: CompiledQuery): Promise<Row[]>;
  close(): Promise<void>;
  /**
   * Runs `fn` in one transaction on one connection: committed when `fn` resolves, rolled
   * back when it throws (and by the server, or SQLite's journal, when the process dies).
   * `execute` runs a statement inside it. The only write path (`import`).
   */
  transaction<T>(fn: (execute: (query: CompiledQuery) => Promise<void>) => Promise<T>): Promise<T>;
  /**
   * Asks the server to stop the statements running now (Ctrl-C): a PostgreSQL cancel,
   * MariaDB's KILL QUERY, each sent from a connection of its own. Nothing on SQLite, whose
   * work runs in this process and ends with it. Resolves once the server has been asked.
   */
  cancel(): Promise<void>;
}

/** A column of a live source as the catalog describes it. */
export interface ColumnInfo {
  readonly name: string;
  /** The engine's own type name, lower case (`bigint`, `text`, `timestamp with time zone`). */
  readonly dbType: string;
  /** Digits after the point of a numeric/decimal table column (absent for other types and for query columns). */
  readonly scale?: number;
}

/** Reads the catalog (for `validate`). */
export interface Introspector {
  /** Columns of a table, or undefined when it does not exist. */
  tableColumns(table: string): Promise<ColumnInfo[] | undefined>;
  /** Columns a SELECT returns, found by running it with no rows (`LIMIT 0`). */
  queryColumns(sql: string): Promise<ColumnInfo[]>;
  /** Whether some index of the table starts with this column (what a per-key lookup needs). */
  indexLeadsWith(table: string, column: string): Promise<boolean>;
  /** The base tables of the current schema/database, sorted by name (for `spellbook init`; absent: init cannot read this engine). */
  tableNames?(): Promise<string[]>;
  /** The table's primary key columns in key order; empty when it has none. */
  primaryKey?(table: string): Promise<string[]>;
}

/** An open database: the three roles together. */
export interface Database extends EngineSql {
  readonly driver: Driver;
  readonly introspector: Introspector;
  readonly readOnly: boolean;
  /**
   * How to open the same database again (a worker thread's own connection), with the same
   * session rules; absent where another connection would not see the same data (an
   * in-memory SQLite database).
   */
  readonly reopen?: { readonly spec: ConnectionSpec; readonly options: SessionOptions };
  close(): Promise<void>;
}
