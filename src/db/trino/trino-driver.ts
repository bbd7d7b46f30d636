/**
 * Runs statements on a Trino cluster through its HTTP protocol (the official
 * `trino-client`): a query is POSTed to the coordinator, and its rows come back page by
 * page as the client follows each page's `nextUri`. A page is a batch here, so rows are
 * streamed, never buffered whole. Giving up on a result (a `break`, an error, Ctrl-C's
 * close()) cancels the query on the cluster, so no worker keeps computing for nobody.
 */
import { BasicAuth, Trino, type QueryResult } from 'trino-client';
import { flatten } from '../batches.js';
import { databaseError } from '../database-error.js';
import type { ColumnInfo, CompiledQuery, Driver, Row } from '../dialect.js';
import { SpellbookError } from '../../errors.js';
import { trinoAdapter } from './trino-adapter.js';
import { reachCoordinator, runControl } from './trino-control.js';
import { trinoFailure } from './trino-errors.js';
import { decodeResponse } from './trino-json.js';
import { withParameters } from './trino-literals.js';

/** Where and as whom to connect; the `connection` of a `client: trino` config. */
export interface TrinoConnectionConfig {
  /** `http://host:port` or `https://host:port`. */
  readonly server: string;
  readonly user: string;
  readonly password?: string;
  readonly catalog?: string;
  readonly schema?: string;
  /** Node TLS options (ca, rejectUnauthorized, …) for an https server. */
  readonly ssl?: Record<string, unknown>;
}

/** A failed query as Trino reports it, kept as `cause` for --debug. */
export class TrinoQueryError extends Error {
  constructor(
    message: string,
    readonly errorName: string,
  ) {
    super(message);
  }
}

/**
 * The query's id from the coordinator's first answer. trino-client keeps that answer
 * private and skips the pages without rows, so a query still queued, planning or
 * computing its first rows would otherwise have no id to cancel it by (Ctrl-C). The
 * package is pinned to ~0.2 for this; the first page's id is the fallback.
 */
function queryIdOf(results: unknown): string | undefined {
  const id = (results as { iter?: { queryResult?: { id?: unknown } } } | null)?.iter?.queryResult?.id;
  return typeof id === 'string' ? id : undefined;
}

/**
 * Pages decoded without rounding bigints beyond ±2^53 (trino-json.ts). trino-client
 * parses them with axios's default JSON.parse and has no option for it, but it hands its
 * `Client`'s `clientConfig` (`Trino.client.clientConfig`) to axios.create for every
 * request, so a `transformResponse` set there replaces axios's parse. The package is
 * pinned to ~0.2 for this path; a test reads 9007199254740993 back through it
 * (test/cli/big-integers.test.ts), and this throws if the path has gone.
 */
function losslessPages(trino: Trino): void {
  const config = (trino as unknown as { client?: { clientConfig?: Record<string, unknown> } }).client?.clientConfig;
  if (config === undefined) throw new Error('trino-client: no client.clientConfig to decode pages with (see losslessPages)');
  config['transformResponse'] = [decodeResponse];
}

export class TrinoDriver implements Driver {
  private readonly client: Trino;
  /** Queries started and not yet read to their end: cancelled on close(). */
  private readonly running = new Set<string>();
  private closing: Promise<void> | undefined;
  /** The read-only transaction every query runs in, started with the first query. */
  private readOnlyTransaction: Promise<string> | undefined;
  /** The coordinator answered within connectTimeoutMs; asked once, before the first query. */
  private reached: Promise<void> | undefined;

  constructor(
    readonly config: TrinoConnectionConfig,
    private readonly secrets: readonly string[],
    private readonly session: Readonly<Record<string, string>>,
    private readonly readOnly: boolean,
    private readonly connectTimeoutMs: number,
  ) {
    this.client = Trino.create({
      server: config.server,
      source: 'spellbook',
      // trino-client's own default user is $USER, which cancel() would send (or nothing,
      // and get a 401, where USER is unset): every request goes as the configured user.
      extraHeaders: { 'X-Trino-User': config.user },
      catalog: config.catalog,
      schema: config.schema,
      ...(config.password === undefined ? {} : { auth: new BasicAuth(config.user, config.password) }),
      ...(config.ssl === undefined ? {} : { ssl: config.ssl }),
    });
    losslessPages(this.client);
  }

  /** The pages of one query: its column names and types with the first, then rows as arrays. */
  private async *pages(query: CompiledQuery, headers: Readonly<Record<string, string>> = {}): AsyncGenerator<{ columns?: ColumnInfo[]; rows: unknown[][] }> {
    if (this.closing) throw new SpellbookError('DATABASE', 'database error: the connection is closed');
    let id: string | undefined;
    let completed = false;
    let inTransaction: Promise<string> | undefined;
    try {
      await this.reachable();
      inTransaction = this.readOnly ? this.readOnlyTransactionId() : undefined;
      const transaction: Record<string, string> = inTransaction ? { 'X-Trino-Transaction-Id': await inTransaction } : {};
      const results = await this.client.query({
        query: withParameters(query.sql, query.parameters),
        user: this.config.user,
        session: { ...this.session },
        // Naive timestamps and dates mean UTC in every comparison, whatever the cluster's zone.
        extraHeaders: { 'X-Trino-Time-Zone': 'UTC', ...transaction, ...headers },
      });
      id = queryIdOf(results);
      if (id !== undefined) this.running.add(id);
      let columns: ColumnInfo[] | undefined;
      const iterator = (results as AsyncIterable<QueryResult>)[Symbol.asyncIterator]();
      // A page asked for ahead can fail once its query is given up (a break, Ctrl-C's
      // cancel) with no one left to read it: that failure is no one's to report.
      const nextPage = () => {
        const page = iterator.next();
        page.catch(() => undefined);
        return page;
      };
      let next = nextPage();
      for (let step = await next; !step.done; step = await next) {
        const page = step.value;
        if (id === undefined && page.id) this.running.add((id = page.id));
        if (page.error) throw new TrinoQueryError(page.error.message, page.error.errorName);
        // The next page is asked for before this one is handed on: the coordinator encodes
        // it, and it crosses the network, while the caller works on this one (one page
        // ahead at most, so memory stays bounded).
        next = nextPage();
        // axios sends that request a few promise steps later, and promise steps run in
        // order: the caller's work on this page, queued first, would run before the
        // request went out, every page. A turn of the event loop lets it go first.
        await new Promise<void>((resolve) => setImmediate(resolve));
        const first = columns === undefined && page.columns !== undefined;
        if (first) columns = page.columns!.map((c) => ({ name: c.name, dbType: c.type.toLowerCase() }));
        if (first || (page.data?.length ?? 0) > 0) yield { ...(first ? { columns } : {}), rows: page.data ?? [] };
      }
      completed = true;
    } catch (err) {
      // A failed statement aborts Trino's transaction: the next query starts a new one.
      this.endTransaction();
      throw databaseError(err, this.secrets, trinoFailure(err));
    } finally {
      if (id !== undefined) {
        this.running.delete(id);
        if (!completed) await this.cancelQuery(id);
        // So does a query given up (a consumer's break): cancelled, it aborts the transaction
        // too. After a failure this does nothing: the catch has ended the transaction
        // already, so `inTransaction` is no longer the current one.
        if (!completed && inTransaction !== undefined) this.endTransaction(inTransaction);
      }
    }
  }

  /** A failed attempt is not kept: a later query (the next worker's, say) tries again. */
  private reachable(): Promise<void> {
    const attempt = (this.reached ??= reachCoordinator(this.config, this.connectTimeoutMs));
    attempt.catch(() => {
      if (this.reached === attempt) this.reached = undefined;
    });
    return attempt;
  }

  /**
   * SPEC §5 on Trino: every read runs in a READ ONLY transaction, which Trino's transaction
   * manager enforces for every connector (READ_ONLY_VIOLATION on any write). Concurrent
   * queries may share it.
   */
  private readOnlyTransactionId(): Promise<string> {
    this.readOnlyTransaction ??= runControl(this.config, 'START TRANSACTION READ ONLY', { 'x-trino-transaction-id': 'NONE' }).then((headers) => {
      const id = headers['x-trino-started-transaction-id'];
      if (!id) throw new Error('Trino started no transaction');
      return id;
    });
    const started = this.readOnlyTransaction;
    started.catch(() => {
      if (this.readOnlyTransaction === started) this.readOnlyTransaction = undefined;
    });
    return started;
  }

  /**
   * Rolls the read-only transaction back (it wrote nothing), without waiting; given
   * `only`, just that one, if a newer one has not replaced it already.
   */
  private endTransaction(only?: Promise<string>): Promise<void> {
    const started = this.readOnlyTransaction;
    if (!started || (only !== undefined && started !== only)) return Promise.resolve();
    this.readOnlyTransaction = undefined;
    return started.then(
      (id) => runControl(this.config, 'ROLLBACK', { 'x-trino-transaction-id': id }).then(() => undefined),
      () => undefined,
    ).catch(() => undefined);
  }

  private cancelQuery(id: string): Promise<void> {
    return this.client.cancel(id).then(
      () => undefined,
      () => undefined,
    );
  }

  async *batches(query: CompiledQuery): AsyncIterable<Row[]> {
    let names: string[] = [];
    for await (const page of this.pages(query)) {
      if (page.columns) names = page.columns.map((c) => c.name);
      if (page.rows.length === 0) continue;
      yield page.rows.map((values) => {
        const row: Row = {};
        for (let i = 0; i < names.length; i++) row[names[i]!] = values[i];
        return row;
      });
    }
  }

  /** Trino's pages are arrays in SELECT-list order already. */
  async *arrayBatches(query: CompiledQuery): AsyncIterable<unknown[][]> {
    for await (const page of this.pages(query)) if (page.rows.length > 0) yield page.rows;
  }

  stream(query: CompiledQuery): AsyncIterable<Row> {
    return flatten(this.batches(query));
  }

  async all(query: CompiledQuery): Promise<Row[]> {
    const rows: Row[] = [];
    for await (const batch of this.batches(query)) rows.push(...batch);
    return rows;
  }

  /**
   * The columns a query returns, with Trino's type names (`timestamp(3) with time zone`).
   * A client that does not declare PARAMETRIC_DATETIME is told `timestamp` whatever the
   * precision (and sent values rounded to the millisecond); declared here, where no value
   * is read, it gives the precision, which epochMs needs to know (trino-dialect.ts).
   */
  async columns(query: CompiledQuery): Promise<ColumnInfo[]> {
    for await (const page of this.pages(query, { 'X-Trino-Client-Capabilities': 'PARAMETRIC_DATETIME' })) if (page.columns) return page.columns;
    return [];
  }

  /** The second wall behind import's own refusal (trino-adapter.ts importRefusal). */
  transaction<T>(): Promise<T> {
    return Promise.reject(new SpellbookError('USAGE', trinoAdapter.importRefusal!));
  }

  /**
   * Ctrl-C: asks the coordinator to kill every query this driver is reading
   * (DELETE /v1/query/ID), so the workers stop at once instead of when they notice no
   * client polls any more (query.client.timeout, five minutes by default).
   */
  cancel(): Promise<void> {
    return Promise.all([...this.running].map((id) => this.cancelQuery(id))).then(() => undefined);
  }

  /** Cancels every query still running on the cluster and ends the transaction; idempotent. */
  close(): Promise<void> {
    this.closing ??= this.cancel().then(() => this.endTransaction());
    return this.closing;
  }
}
