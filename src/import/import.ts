/**
 * `spellbook import` (SPEC §3): the one write path. The file is read twice: first every
 * header name and value is checked, then, inside a single transaction, the rows are
 * written in multi-row INSERTs as large as the engine takes. Any failure, or the process
 * dying, leaves the table as it was.
 */
import type { CompiledQuery, Database, EngineAdapter, EngineSql, ImportValue, QueryCompiler } from '../db/dialect.js';
import { engineSqlOf, openDatabase } from '../db/open.js';
import { emptyFile } from '../io/csv-records.js';
import { tableSql } from '../sql/builder.js';
import { badInput, OptionError, SpellbookError, usage } from '../errors.js';
import type { ConnectionSpec } from '../db/connection.js';
import type { Group, Metadata } from '../metadata/types.js';
import { suggest } from '../util/suggest.js';
import { importColumns, matchHeader, RowConverter, storedType, ValueProblem, type ImportColumn } from './columns.js';
import { lineOfRecord, readRecords } from './read.js';

export interface ImportRequest {
  readonly group: string;
  readonly inputFile: string;
  /** Create the group's table when it does not exist. */
  readonly createTable?: boolean;
  /** Check the file and the table, print what would happen, write nothing. */
  readonly dryRun?: boolean;
  /** Field separator (default `,`); `\t` or `tab` for tabs. */
  readonly delimiter?: string;
  /** Rows checked (first pass) or written (second pass) so far. */
  readonly onProgress?: (phase: 'check' | 'write', rows: number, total?: number) => void;
}

export interface ImportResult {
  readonly group: string;
  readonly table: string;
  readonly file: string;
  /** Rows written; with dryRun, rows that would be. */
  readonly rows: number;
  readonly dryRun: boolean;
  /** The CREATE TABLE statement run (or, with dryRun, that would run); absent when the table existed. */
  readonly createTable?: string;
  /** With createTable: the index on (key, event time) that lets `join --strategy auto` choose the database. */
  readonly createIndex?: KeyTimeIndex;
}

export function parseDelimiter(text: string | undefined): string {
  if (text === undefined) return ',';
  if (text === '\\t' || text.toLowerCase() === 'tab') return '\t';
  if (text === '' || /[\r\n"]/.test(text)) throw new OptionError('delimiter', 'USAGE', `{option}: expected a separator such as ; or | or \\t, got ${JSON.stringify(text)}`);
  return text;
}

function findGroup(md: Metadata, name: string): Group {
  const group = md.groups.find((g) => g.name === name);
  if (group) return group;
  const names = md.groups.map((g) => g.name);
  throw new SpellbookError('NOT_FOUND', `no group named "${name}"${suggest(name, names)}`);
}

export function createTableSql({ compiler, adapter }: EngineSql, table: string, columns: readonly ImportColumn[]): string {
  const list = columns.map(
    (c) => `${compiler.quoteIdentifier(c.name)} ${adapter.columnType(storedType(c))}${c.required ? ' NOT NULL' : ''}`,
  );
  return `CREATE TABLE ${tableSql(compiler, table)} (${list.join(', ')})`;
}

export interface KeyTimeIndex {
  /** `<table>_key_time`, within every engine's name length limit. */
  readonly name: string;
  /** The key column(s), then the event time if the group has one. */
  readonly columns: readonly string[];
  /** The CREATE INDEX statement. */
  readonly sql: string;
}

/**
 * The index that finds a key's rows in time order: the key column(s), then the event time
 * (a static group: the key alone). It is what lets a database join look labels up instead
 * of scanning the table once per label, so `join --strategy auto` can choose the database
 * on SQLite and MariaDB (see plan.ts).
 */
export function keyTimeIndex({ compiler, adapter }: EngineSql, table: string, columns: readonly ImportColumn[]): KeyTimeIndex {
  const keys = columns.filter((c) => c.role === 'key' || c.role === 'event_time');
  const name = `${(table.split('.').pop() ?? table).slice(0, 50)}_key_time`;
  const list = keys.map((c) => adapter.indexKey(compiler.quoteIdentifier(c.name), storedType(c)));
  return { name, columns: keys.map((c) => c.name), sql: `CREATE INDEX ${compiler.quoteIdentifier(name)} ON ${tableSql(compiler, table)} (${list.join(', ')})` };
}

/** Rows per INSERT: as many as the engine's parameter and statement-size limits allow. */
class Batcher {
  private readonly compiler: QueryCompiler;
  private readonly adapter: EngineAdapter;
  /** Most rows one INSERT carries: the engine's parameter limit over the columns. */
  private readonly maxRows: number;
  /** `INSERT INTO t (a, b) VALUES `, the text every statement starts with. */
  private readonly prefix: string;
  /** Statement texts by row count: the full batches' one, and the last batch's. */
  private readonly statements = new Map<number, string>();

  /** The batch being filled: its bound values, its rows, and its bytes once inlined (an estimate). */
  private values: unknown[] = [];
  private rows = 0;
  private bytes = 0;

  constructor(
    { compiler, adapter }: EngineSql,
    table: string,
    private readonly columns: readonly ImportColumn[],
  ) {
    this.compiler = compiler;
    this.adapter = adapter;
    this.maxRows = Math.max(1, Math.floor(this.adapter.maxParameters / columns.length));
    this.prefix = `INSERT INTO ${tableSql(this.compiler, table)} (${columns.map((c) => this.compiler.quoteIdentifier(c.name)).join(', ')}) VALUES `;
  }

  /** Adds a row; returns a full statement when the batch cannot take more. */
  add(row: readonly ImportValue[], textBytes: number): CompiledQuery | undefined {
    // Inlined values may double in size when escaped, plus a separator per field.
    const rowBytes = 2 * textBytes + 4 * this.columns.length + 4;
    const flushed = this.rows > 0 && this.bytes + rowBytes > this.adapter.maxStatementBytes - this.prefix.length ? this.flush() : undefined;
    for (let i = 0; i < row.length; i++) this.values.push(this.adapter.bindValue(row[i]!, storedType(this.columns[i]!)));
    this.rows++;
    this.bytes += rowBytes;
    if (flushed) return flushed;
    return this.rows >= this.maxRows ? this.flush() : undefined;
  }

  flush(): CompiledQuery | undefined {
    if (this.rows === 0) return undefined;
    const query = { sql: this.statement(this.rows), parameters: this.values };
    this.values = [];
    this.rows = 0;
    this.bytes = 0;
    return query;
  }

  /** The same text for every full batch, so drivers that prepare statements reuse one. */
  private statement(rows: number): string {
    let sql = this.statements.get(rows);
    if (sql !== undefined) return sql;
    const n = this.columns.length;
    const tuples = new Array<string>(rows);
    for (let r = 0; r < rows; r++) {
      const ph = new Array<string>(n);
      for (let c = 0; c < n; c++) ph[c] = this.compiler.placeholder(r * n + c + 1);
      tuples[r] = `(${ph.join(', ')})`;
    }
    sql = this.prefix + tuples.join(', ');
    if (this.statements.size < 2) this.statements.set(rows, sql);
    return sql;
  }
}

function textLength(fields: readonly string[]): number {
  let n = 0;
  for (const f of fields) n += f.length;
  return n;
}

/** Converts record `index` of the file, or throws the problem at its line. */
async function convertAt(converter: RowConverter, fields: readonly string[], file: string, delimiter: string, index: number): Promise<ImportValue[]> {
  try {
    return converter.convert(fields);
  } catch (err) {
    if (!(err instanceof ValueProblem)) throw err;
    throw badInput({ file, line: await lineOfRecord(file, delimiter, index), column: err.column, value: err.value, message: err.message });
  }
}

/** Validates the whole file, header and values; returns the row count. */
async function checkFile(file: string, delimiter: string, group: Group, columns: readonly ImportColumn[], onProgress?: ImportRequest['onProgress']): Promise<number> {
  let converter: RowConverter | undefined;
  let rows = 0;
  for await (const fields of readRecords(file, delimiter)) {
    if (!converter) {
      converter = new RowConverter(columns, matchHeader(file, fields, columns, group));
      continue;
    }
    await convertAt(converter, fields, file, delimiter, rows + 1);
    if (++rows % 10_000 === 0) onProgress?.('check', rows);
  }
  if (!converter) throw emptyFile(file);
  return rows;
}

/** The header alone, checked before anything connects. */
async function checkHeader(file: string, delimiter: string, group: Group, columns: readonly ImportColumn[]): Promise<void> {
  for await (const fields of readRecords(file, delimiter)) {
    matchHeader(file, fields, columns, group);
    return;
  }
  throw emptyFile(file);
}

async function tableState(db: Database, group: Group, table: string, columns: readonly ImportColumn[], createTable: boolean): Promise<string | undefined> {
  const existing = await db.introspector.tableColumns(table);
  if (existing === undefined) {
    if (!createTable) throw new OptionError('createTable', 'USAGE', `table "${table}" of group ${group.name} does not exist (add {option} to create it)`);
    return createTableSql(db, table, columns);
  }
  const names = new Set(existing.map((c) => c.name));
  const missing = columns.filter((c) => !names.has(c.name));
  if (missing.length > 0) {
    const list = missing.map((c) => `"${c.name}" (${c.what})`).join(', ');
    throw new SpellbookError('DATABASE', `table "${table}" has no column ${list}`);
  }
  return undefined;
}

export async function importFile(md: Metadata, spec: ConnectionSpec, request: ImportRequest): Promise<ImportResult> {
  const group = findGroup(md, request.group);
  if (group.source.kind !== 'table') {
    throw usage(`group ${group.name} reads a query, not a table: import writes tables only`);
  }
  if (spec.readOnly) {
    throw new SpellbookError('READ_ONLY', `the connection in ${md.file} is marked read_only: import refuses to write to it`);
  }
  const refusal = engineSqlOf(spec).adapter.importRefusal;
  if (refusal !== undefined) throw usage(refusal);
  const table = group.source.table;
  const file = request.inputFile;
  const delimiter = parseDelimiter(request.delimiter);
  const columns = importColumns(group);
  await checkHeader(file, delimiter, group, columns);

  // A dry run reads only: its session cannot write even by mistake.
  const dryRun = request.dryRun === true;
  const db = await openDatabase(spec, { readOnly: dryRun });
  try {
    const ddl = await tableState(db, group, table, columns, request.createTable === true);
    const total = await checkFile(file, delimiter, group, columns, request.onProgress);
    const index = ddl ? keyTimeIndex(db, table, columns) : undefined;
    const result = { group: group.name, table, file, rows: total, dryRun, ...(ddl ? { createTable: ddl, createIndex: index } : {}) };
    if (dryRun) return result;

    const statement = (sql: string): CompiledQuery => ({ sql, parameters: [] });
    let created = false;
    if (ddl && index && !db.adapter.transactionalDdl) {
      // MariaDB commits DDL at once: the table and its (still cheap) index come first.
      await db.driver.all(statement(ddl));
      created = true;
      await db.driver.all(statement(index.sql));
    }
    try {
      await db.driver.transaction(async (execute) => {
        if (ddl && db.adapter.transactionalDdl) await execute(statement(ddl));
        await writeRows(execute, { engine: db, group, table, file, delimiter, columns, total, onProgress: request.onProgress });
        // Built once over the loaded rows: faster than maintaining it row by row.
        if (index && db.adapter.transactionalDdl) await execute(statement(index.sql));
      });
    } catch (err) {
      // This engine committed the CREATE TABLE on its own; an empty table we made goes too.
      if (created) await db.driver.all({ sql: `DROP TABLE ${tableSql(db.compiler, table)}`, parameters: [] }).catch(() => undefined);
      throw err;
    }
    return result;
  } finally {
    await db.close();
  }
}

interface WritePlan {
  readonly engine: EngineSql;
  readonly group: Group;
  readonly table: string;
  readonly file: string;
  readonly delimiter: string;
  readonly columns: readonly ImportColumn[];
  /** Rows the first pass checked. */
  readonly total: number;
  readonly onProgress: ImportRequest['onProgress'];
}

async function writeRows(execute: (query: CompiledQuery) => Promise<void>, plan: WritePlan): Promise<void> {
  const { engine, group, table, file, delimiter, columns, total, onProgress } = plan;
  const batcher = new Batcher(engine, table, columns);
  let converter: RowConverter | undefined;
  let rows = 0;
  let written = 0;
  const run = async (query: CompiledQuery | undefined): Promise<void> => {
    if (!query) return;
    await execute(query);
    written = rows;
    onProgress?.('write', written, total);
  };
  for await (const fields of readRecords(file, delimiter)) {
    if (!converter) {
      converter = new RowConverter(columns, matchHeader(file, fields, columns, group));
      continue;
    }
    // Checked in the first pass; converting again throws only if the file changed since.
    rows++;
    await run(batcher.add(await convertAt(converter, fields, file, delimiter, rows), textLength(fields)));
  }
  await run(batcher.flush());
  if (rows !== total) throw new SpellbookError('BAD_INPUT', `${file} changed while it was imported (${total} rows checked, ${rows} read): nothing written`);
}
