/**
 * The library (SPEC §6): everything the CLI does, as typed calls. `export` and `join`
 * return async iterables of rows so a caller can stream; the CLI commands are thin
 * wrappers over this class.
 */
import type { ColumnInfo, Database, EngineSql } from './db/dialect.js';
import { engineSqlOf, openDatabase } from './db/open.js';
import { listMetadata, type ListOptions, type MetaListing } from './catalog/list.js';
import { connectionFromSource, resolveConnection, type ConnectionSpec } from './db/connection.js';
import { loadMetadata, resolveMetadataPath, type LoadMetadataOptions } from './metadata/index.js';
import type { Metadata } from './metadata/types.js';
import { labelsFormat, readLabelsHeader } from './io/labels.js';
import { parquetRowCount } from './io/parquet-labels.js';
import {
  describePlan,
  planExport,
  planJoin,
  type ExportPlan,
  type ExportRequest,
  type JoinPlan,
  type JoinRequest,
  type LabelInput,
  type StrategyChoice,
  type StrategyFacts,
} from './plan/plan.js';
import { countRecordsUpTo } from './io/csv-records.js';
import { snapshotOf, ttlOf, type TimeInput, type TtlInput } from './plan/options.js';
import { OptionError, SpellbookError, usage } from './errors.js';
import { runExport, runExportBatches } from './pit/export.js';
import type { OutputRow, RowBatch } from './core/rows.js';
import { runJoin, runJoinBatches, type JoinHooks } from './pit/join.js';
import { RunStats } from './pit/stats.js';
import { keyValueType, type Value } from './core/values.js';
import type { OutputColumn } from './io/parquet.js';
import type { OutputFormat } from './io/encoders.js';
import { writeOutput, type WriteOptions } from './io/output.js';
import { importFile, parseDelimiter, type ImportRequest, type ImportResult } from './import/index.js';
import { validateMetadata, type ValidateOptions, type ValidationReport } from './validate/index.js';

export interface OpenOptions {
  /** A metadata file path (default: SPELLBOOK_METADATA, else ./metadata.yml) or an already loaded model. */
  readonly metadata?: string | Metadata;
  /** A database URL overriding the metadata's connection (as --db). */
  readonly db?: string;
  /** Environment for SPELLBOOK_* and ${NAME} values; default process.env. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Milliseconds to wait for the database server to accept a connection (default 10 s). */
  readonly connectTimeout?: number;
  /** Milliseconds a statement may run before the server cancels it (default 0: no limit; not on SQLite). */
  readonly statementTimeout?: number;
}

/** One output row: column name → value. Label columns of a join are strings; features and export keys are typed (see Value). */
export type Row = Record<string, Value>;

/** Rows as objects keyed by output column, plus the column order (a join's is known once iteration has begun). */
export interface RowStream<R extends Row = Row> extends AsyncIterable<R> {
  readonly columns: readonly string[];
  /**
   * Writes the rows to `path` instead (CSV, JSON Lines or typed Parquet, as the CLI's
   * --output): the format is `format`, else the extension's (`.jsonl`, `.ndjson`,
   * `.parquet`), else csv. The file appears only once every row is written; on an error
   * it is not created and an existing one is left untouched. Resolves to the row count.
   */
  toFile(path: string, options?: { readonly format?: OutputFormat }): Promise<number>;
  /** What the run did, filled as the rows are iterated or written (complete once done): see RunStats. */
  readonly stats: RunStats;
}

export type { TimeInput, TtlInput };

interface CommonOptions {
  /** `group.feature` or `group.*`, as --feature. */
  readonly features: readonly string[];
  readonly knownAt?: boolean;
  readonly ttl?: TtlInput;
  readonly fullNames?: boolean;
}

/** `export` from the library: the ExportRequest the CLI builds, with friendlier input types. */
export interface ExportOptions extends CommonOptions {
  /** Default: now. */
  readonly snapshot?: TimeInput;
  /** Only these keys: a value per key, or a tuple per key for a composite key. */
  readonly keys?: readonly (string | number | readonly (string | number)[])[];
  readonly limit?: number;
}

/** `join` from the library: the JoinRequest the CLI builds, with friendlier input types. */
export interface JoinOptions extends CommonOptions {
  /** The labels CSV file; or, instead, */
  readonly inputFile?: string;
  /** one SELECT on the features' database whose rows are the labels (SPEC §8). */
  readonly inputQuery?: string;
  readonly timestampColumn?: string;
  readonly timestampUnit?: 's' | 'ms';
  /** An entity's label column(s) when not named as its key, as --entity-column. */
  readonly entityColumns?: Readonly<Record<string, string | readonly string[]>>;
  readonly strategy?: StrategyChoice;
  /** The merge's key-hash partitions, as --partitions (1: one pass; default: one pass up to 1,048,576 labels, else one per 524,288). */
  readonly partitions?: number;
}

function exportRequest(o: ExportOptions): ExportRequest {
  return {
    features: o.features,
    snapshot: o.snapshot === undefined ? undefined : snapshotOf(o.snapshot),
    keys: o.keys?.map((k) => (Array.isArray(k) ? k.map(String) : [String(k)])),
    limit: o.limit,
    knownAt: o.knownAt,
    ttl: ttlOf(o.ttl),
    fullNames: o.fullNames,
  };
}

function joinRequest(o: JoinOptions): JoinRequest {
  const entityColumns = o.entityColumns === undefined ? undefined : Object.fromEntries(Object.entries(o.entityColumns).map(([e, c]) => [e, typeof c === 'string' ? [c] : c]));
  return { ...o, entityColumns, ttl: ttlOf(o.ttl) };
}

export class Spellbook {
  private database: Promise<Database> | undefined;

  constructor(
    readonly metadata: Metadata,
    private readonly connectionOptions: {
      db?: string;
      env?: Readonly<Record<string, string | undefined>>;
      connectTimeout?: number;
      statementTimeout?: number;
    },
  ) {}

  /** The connection in force (--db, SPELLBOOK_DB, then the metadata's); resolved on demand. */
  connection(): ConnectionSpec {
    return resolveConnection(this.metadata, this.connectionOptions);
  }

  /** Passwords and other secrets of the connection, to keep out of any message. */
  secrets(): readonly string[] {
    try {
      return this.connection().secrets;
    } catch {
      return [];
    }
  }

  listMetadata(options: ListOptions): MetaListing {
    return listMetadata(this.metadata, options);
  }

  private engineSql(): EngineSql {
    return engineSqlOf(this.connection());
  }

  /** The read-only database, opened on first use. */
  private db(): Promise<Database> {
    const { connectTimeout, statementTimeout } = this.connectionOptions;
    this.database ??= openDatabase(this.connection(), { readOnly: true, connectTimeoutMs: connectTimeout, statementTimeoutMs: statementTimeout });
    return this.database;
  }

  planExport(request: ExportRequest): ExportPlan {
    return planExport(this.metadata, this.engineSql().compiler, request);
  }

  async planJoin(request: JoinRequest): Promise<JoinPlan> {
    const input = await this.labelInput(request);
    const plan = planJoin(this.metadata, this.engineSql().compiler, request, input);
    if ((request.strategy ?? 'auto') !== 'auto') return plan;
    return planJoin(this.metadata, this.engineSql().compiler, request, input, await this.strategyFacts(plan));
  }

  /** The labels' columns: a file's header, or what the database says a labels query returns. */
  private async labelInput(request: JoinRequest): Promise<LabelInput> {
    const { inputFile, inputQuery } = request;
    if ((inputFile === undefined) === (inputQuery === undefined)) throw usage('join needs the labels from one place: --input-file or --input-query');
    if (inputFile !== undefined) {
      const format = labelsFormat(inputFile);
      const delimiter = parseDelimiter(request.delimiter);
      return { kind: format, file: inputFile, delimiter, header: await readLabelsHeader(inputFile, format, delimiter) };
    }
    // One SELECT: a closing `;` would end the statement it is embedded in.
    const sql = inputQuery!.trim().replace(/;\s*$/, '').trimEnd();
    if (sql === '') throw new OptionError('inputQuery', 'USAGE', '{option} is empty: give one SELECT', ', or @FILE holding it');
    // The newline keeps a trailing `-- comment` from swallowing what follows the query.
    return { kind: 'query', sql, columns: await this.queryColumns(`${sql}\n`) };
  }

  /**
   * A labels query's columns, asked of the database without reading a row. SQL the database
   * cannot read (a syntax error, an unknown table) is the user's input (exit 2); anything
   * else it says — a refused write, a lost connection — stays a database error (exit 1).
   */
  private async queryColumns(sql: string): Promise<readonly ColumnInfo[]> {
    const db = await this.db();
    try {
      return await db.introspector.queryColumns(sql);
    } catch (err) {
      if (err instanceof SpellbookError && err.code === 'DATABASE' && db.adapter.rejectsText(err.cause)) {
        throw new SpellbookError('BAD_INPUT', `--input-query: ${err.message.replace(/^database error: /, '')}`, { cause: err.cause });
      }
      throw err;
    }
  }

  /** What `auto` needs to know; the catalog is only asked when the labels are few. */
  private async strategyFacts(plan: JoinPlan): Promise<StrategyFacts> {
    const { labels } = plan;
    const { adapter } = this.engineSql();
    const maxLabels = adapter.databaseJoinMaxLabels;
    const labelCount =
      labels.kind === 'csv' ? await countRecordsUpTo(labels.file, maxLabels) : labels.kind === 'parquet' ? await parquetRowCount(labels.file) : undefined;
    if (labelCount === undefined || labelCount > maxLabels || adapter.hashJoins) return { labelCount, hashJoins: adapter.hashJoins, maxLabels, indexed: [] };
    const { introspector } = await this.db();
    const indexed = await Promise.all(
      plan.groups.map(({ group }) =>
        group.source.kind === 'table' ? introspector.indexLeadsWith(group.source.table, group.entityColumns[0]!) : Promise.resolve(false),
      ),
    );
    return { labelCount, hashJoins: false, maxLabels, indexed };
  }

  /**
   * The output columns of a plan and their types, split as the rows carry them: a join's
   * label columns (`prefix`: strings, except the key columns of an entity with int keys)
   * and the typed values (an export's key columns, then the features).
   */
  outputColumns(plan: ExportPlan | JoinPlan): { prefix: OutputColumn[]; values: OutputColumn[] } {
    const features = plan.features.map((f) => ({ name: f.column, type: f.feature.type }));
    if (plan.kind === 'export') {
      const keys = plan.entity.keyColumns.map((name, i) => ({ name, type: keyValueType(plan.entity.keyTypes[i]!) }));
      return { prefix: [], values: [...keys, ...features] };
    }
    const intKeys = new Set(plan.entities.flatMap(({ entity, columns }) => columns.filter((_, i) => entity.keyTypes[i] === 'int')));
    const prefix = plan.inputColumns.map((name) => ({ name, type: intKeys.has(name) ? ('int' as const) : ('string' as const) }));
    return { prefix, values: features };
  }

  /** The plan as plain data (what --dry-run prints). */
  describe(plan: ExportPlan | JoinPlan): Record<string, unknown> {
    return describePlan(plan);
  }

  /** An empty RunStats for a plan, for exportRows, joinRows (hooks.stats) or the write calls to fill. */
  newStats(plan: ExportPlan | JoinPlan): RunStats {
    return new RunStats(plan.groups.map((g) => g.group.name));
  }

  /** Runs an export plan; rows carry typed values (see Value). `stats`, if given, is filled as rows are produced. */
  async *exportRows(plan: ExportPlan, stats?: RunStats): AsyncGenerator<OutputRow<''>> {
    yield* runExport(await this.db(), plan, stats);
  }

  /** exportRows a batch at a time (what writeExport reads). */
  private async *exportBatches(plan: ExportPlan, stats?: RunStats): AsyncGenerator<RowBatch<''>> {
    yield* runExportBatches(await this.db(), plan, stats);
  }

  /** joinRows a batch at a time (what writeJoin reads). */
  private async *joinBatches<P>(plan: JoinPlan, hooks: JoinHooks<P>): AsyncGenerator<RowBatch<P>> {
    yield* runJoinBatches(await this.db(), plan, hooks);
  }

  /** Runs a join plan; `encodePrefix` turns each label row's fields into what the caller keeps of them. */
  async *joinRows<P>(plan: JoinPlan, hooks: JoinHooks<P>): AsyncGenerator<OutputRow<P>> {
    yield* runJoin(await this.db(), plan, hooks);
  }

  /** Writes an export plan's rows to a file or stdout (see WriteOptions); resolves to the row count. */
  writeExport(plan: ExportPlan, options: WriteOptions & { readonly stats?: RunStats } = {}): Promise<number> {
    const columns = this.outputColumns(plan);
    return writeOutput(() => this.exportBatches(plan, options.stats), columns.prefix, columns.values, options);
  }

  /**
   * Writes a join plan's rows to a file or stdout (see WriteOptions); resolves to the row
   * count. Progress counts the labels read, then the rows written against that total.
   */
  writeJoin(plan: JoinPlan, options: WriteOptions & { readonly stats?: RunStats } = {}): Promise<number> {
    const columns = this.outputColumns(plan);
    const label = options.progress?.label ?? 'join';
    return writeOutput(
      (encoder, progress) => {
        progress.phase(`${label}: reading labels`);
        // One output row per label: the count read is the writing phase's total, for its ETA.
        let labels = 0;
        return this.joinBatches(plan, {
          encodePrefix: (fields) => encoder.prefix(fields),
          encodeLine: encoder.prefixOfLine && ((line, delimiter) => encoder.prefixOfLine!(line, delimiter)),
          stats: options.stats,
          csvValues: encoder.copiesCsvValues,
          onLabel: () => {
            labels++;
            progress.tick();
          },
          onPhase: (phase) => progress.phase(`${label}: ${phase}`, phase === 'writing' ? labels : undefined),
        });
      },
      columns.prefix,
      columns.values,
      options,
    );
  }

  /**
   * `export` as objects: `{ user_id: 42, balance: 10.5, … }`. The request is checked at
   * once (an unknown feature throws here); the database is read as the rows are iterated.
   * `R` lets a caller name the row shape it expects; values are not checked against it.
   */
  export<R extends Row = Row>(options: ExportOptions): RowStream<R> {
    const plan = this.planExport(exportRequest(options));
    const stats = this.newStats(plan);
    const rows = this.exportRows(plan, stats);
    const columns = plan.columns;
    return {
      columns,
      stats,
      toFile: (path, { format } = {}) => this.writeExport(plan, { output: path, format, stats }),
      async *[Symbol.asyncIterator]() {
        for await (const row of rows) {
          const out: Row = {};
          for (let i = 0; i < columns.length; i++) out[columns[i]!] = row.values[i]!;
          yield out as R;
        }
      },
    };
  }

  /**
   * `join` as objects: label columns (strings, unchanged) then features. The labels file is
   * read, and the request checked, when iteration begins; errors are thrown from there.
   */
  join<R extends Row = Row>(options: JoinOptions): RowStream<R> {
    const self = this;
    let columns: readonly string[] = [];
    let stats = new RunStats([]);
    return {
      get columns() {
        return columns;
      },
      get stats() {
        return stats;
      },
      async toFile(path, { format } = {}) {
        const plan = await self.planJoin(joinRequest(options));
        columns = plan.columns;
        stats = self.newStats(plan);
        return self.writeJoin(plan, { output: path, format, stats });
      },
      async *[Symbol.asyncIterator]() {
        const plan = await self.planJoin(joinRequest(options));
        columns = plan.columns;
        stats = self.newStats(plan);
        for await (const row of self.joinRows(plan, { encodePrefix: (fields) => fields, stats })) {
          const out: Row = {};
          plan.inputColumns.forEach((c, i) => (out[c] = row.prefix[i] ?? null));
          plan.features.forEach((f, i) => (out[f.column] = row.values[i]!));
          yield out as R;
        }
      },
    };
  }

  async close(): Promise<void> {
    const db = this.database;
    this.database = undefined;
    if (db) await (await db).close();
  }

  /** `import`: the one write. Opens its own writable connection (refused when read_only) and closes it. */
  import(request: ImportRequest): Promise<ImportResult> {
    return importFile(this.metadata, this.connection(), request);
  }

  /** `validate`: the metadata against the live database, read-only. Findings are in the report, not thrown. */
  async validate(options: ValidateOptions = {}): Promise<ValidationReport> {
    return validateMetadata(this.metadata, await this.db(), options);
  }
}

/**
 * Loads and checks a metadata file, its `connection:` included: the metadata layer keeps
 * it as written, engine-neutral, so the engines are asked here whether one of them takes
 * it, and a URL none does is reported at its place in the file, like the loader's own
 * problems. The library's `loadMetadata`.
 */
export async function loadCheckedMetadata(path: string, options: LoadMetadataOptions = {}): Promise<Metadata> {
  const metadata = await loadMetadata(path, options);
  if (metadata.connection) connectionFromSource(metadata.connection);
  return metadata;
}

/** Loads the metadata and returns a Spellbook; nothing connects until a query needs it. */
export async function openSpellbook(options: OpenOptions = {}): Promise<Spellbook> {
  const env = options.env ?? process.env;
  // A database given by --db or SPELLBOOK_DB replaces connection:, whose ${VAR}s then need not be set.
  const ignoreConnection = (options.db ?? env['SPELLBOOK_DB'] ?? '') !== '';
  const metadata =
    typeof options.metadata === 'object'
      ? options.metadata
      : await loadCheckedMetadata(resolveMetadataPath(options.metadata, env), { env, ignoreConnection });
  return new Spellbook(metadata, { db: options.db, env, connectTimeout: options.connectTimeout, statementTimeout: options.statementTimeout });
}
