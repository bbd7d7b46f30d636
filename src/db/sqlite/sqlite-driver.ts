import type BetterSqlite3 from 'better-sqlite3';
import type { CompiledQuery, Row } from '../dialect.js';
import { BATCH_ROWS, flatten } from '../batches.js';
import { KnexDriver, type Execute } from '../knex/knex-driver.js';
import { pagingRowid, preparePages, readPages } from './sqlite-paged-scan.js';
import { SqliteTimeReader } from './sqlite-time.js';
import { planFileScan, readFileScan } from './sqlite-file-scan.js';
import { SpellbookError } from '../../errors.js';

export type SqliteConnection = BetterSqlite3.Database;

/** better-sqlite3 binds neither booleans nor Dates. */
export function sqliteParameters(parameters: readonly unknown[]): unknown[] {
  return parameters.map((p) => (typeof p === 'boolean' ? Number(p) : p instanceof Date ? p.getTime() : p));
}

/**
 * Steps are synchronous and batches flow as microtasks only: one turn of the event loop
 * per batch lets a Ctrl-C (or a worker's cancel message) through mid-scan.
 */
function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

export class SqliteDriver extends KnexDriver {
  stream(query: CompiledQuery): AsyncIterable<Row> {
    return flatten(this.batches(query));
  }

  override batches(query: CompiledQuery): AsyncIterable<Row[]> {
    return this.steps<Row>(query, false);
  }

  arrayBatches(query: CompiledQuery): AsyncIterable<unknown[][]> {
    const batches = query.wholeTable ? this.pages(query, query.wholeTable) : this.steps<unknown[]>(query, true);
    const at = query.scanTimesAt ?? [];
    return at.length === 0 ? batches : this.storedTimesRead(batches, at);
  }

  /** A scan's stored times (sqliteCompiler.scanTime) as the epoch ms epochMs gives in SQL. */
  private async *storedTimesRead(batches: AsyncIterable<unknown[][]>, at: readonly number[]): AsyncGenerator<unknown[][]> {
    let reader: SqliteTimeReader | undefined;
    try {
      for await (const batch of batches) {
        // The scan's own library (Knex's client keeps the module it loaded), so the same SQLite answers.
        reader ??= new SqliteTimeReader(() => new (this.knex.client as { driver: typeof BetterSqlite3 }).driver(':memory:'));
        for (const row of batch) for (const i of at) row[i] = reader.read(row[i]);
        yield batch;
      }
    } finally {
      reader?.close();
    }
  }

  /**
   * A whole table's scan from the database file's pages where it can be read so
   * (sqlite-file-scan.ts), else a page of JSON at a time where the table pages
   * (sqlite-paged-scan.ts), else stepped; in one read transaction.
   */
  private async *pages(query: CompiledQuery, whole: NonNullable<CompiledQuery['wholeTable']>): AsyncIterable<unknown[][]> {
    const connection = await this.acquire<SqliteConnection>();
    const own = !connection.inTransaction;
    try {
      if (own) connection.exec('BEGIN');
      // Not in a caller's transaction: what it wrote is in no file yet.
      const file = own ? planFileScan(connection, whole.table, whole.items) : undefined;
      const rowid = file !== undefined ? undefined : pagingRowid(connection, whole.table);
      const pages = rowid === undefined ? undefined : preparePages(connection, { sql: query.sql, parameters: sqliteParameters(query.parameters) }, whole, rowid);
      if (file === undefined && pages === undefined) yield* this.stepsOn<unknown[]>(connection, query, true);
      else {
        try {
          yield* file !== undefined ? readFileScan(file, nextTurn) : readPages(connection, pages!, nextTurn);
        } catch (err) {
          throw err instanceof SpellbookError ? err : this.toError(err);
        }
      }
    } finally {
      if (own && connection.inTransaction) connection.exec('COMMIT');
      await this.release(connection);
    }
  }

  private async *steps<R>(query: CompiledQuery, raw: boolean): AsyncIterable<R[]> {
    const connection = await this.acquire<SqliteConnection>();
    try {
      yield* this.stepsOn<R>(connection, query, raw);
    } finally {
      await this.release(connection);
    }
  }

  /** better-sqlite3 steps synchronously: a batch is a plain loop over `iterate()`. */
  private async *stepsOn<R>(connection: SqliteConnection, query: CompiledQuery, raw: boolean): AsyncIterable<R[]> {
    let rows: IterableIterator<unknown> | undefined;
    try {
      try {
        const statement = connection.prepare(query.sql);
        if (!statement.reader) {
          statement.run(...sqliteParameters(query.parameters));
          return;
        }
        if (raw) statement.raw(true);
        rows = statement.iterate(...sqliteParameters(query.parameters));
      } catch (err) {
        throw this.toError(err);
      }
      for (;;) {
        const batch: R[] = [];
        try {
          for (let next = rows.next(); ; next = rows.next()) {
            if (next.done) break;
            if (batch.push(next.value as R) >= BATCH_ROWS) break;
          }
        } catch (err) {
          throw this.toError(err);
        }
        if (batch.length === 0) break;
        yield batch;
        if (batch.length < BATCH_ROWS) break;
        await nextTurn();
      }
    } finally {
      // Ends the statement so the connection is free again before it goes back to the pool.
      rows?.return?.();
    }
  }

  all(query: CompiledQuery): Promise<Row[]> {
    return this.withConnection<SqliteConnection, Row[]>(async (connection) => {
      const statement = connection.prepare(query.sql);
      const parameters = sqliteParameters(query.parameters);
      if (!statement.reader) {
        statement.run(...parameters);
        return [];
      }
      return statement.all(...parameters) as Row[];
    });
  }

  protected executor(connection: SqliteConnection): Execute {
    // Full batches repeat one statement text: prepared once, it is reused.
    const prepared = new Map<string, BetterSqlite3.Statement>();
    return async (query) => {
      let statement = prepared.get(query.sql);
      if (!statement) {
        statement = connection.prepare(query.sql);
        if (prepared.size < 4) prepared.set(query.sql, statement);
      }
      statement.run(...sqliteParameters(query.parameters));
    };
  }

  // No cancelOn: SQLite runs in this process, a batch at a time between event-loop turns,
  // so its work stops with the process (better-sqlite3 exposes no sqlite3_interrupt).
}
