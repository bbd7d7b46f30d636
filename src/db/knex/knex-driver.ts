/**
 * What the drivers of the Knex-based engines share: the Knex pool it runs on, the way its
 * failures become spellbook's errors (secrets hidden), an idempotent close, batches built
 * from the row stream (SQLite, whose steps are synchronous, builds its stream from
 * batches instead), the one transaction
 * shape of `import`, and the life cycle of a streamed result on a pooled connection.
 * An engine says only what differs: how a statement runs on its raw connection, and how
 * its server is asked to stop one. The driver knows the connections running a statement,
 * so `cancel()` (Ctrl-C) can reach them.
 */
import type { Knex } from 'knex';
import { inBatches } from '../batches.js';
import type { ToDatabaseError } from '../database-error.js';
import type { CompiledQuery, Driver, Row } from '../dialect.js';
import { acquire, once, release } from './pool.js';

export type Execute = (query: CompiledQuery) => Promise<void>;

/** A result being read on one connection, as an engine's driver opened it. */
export interface OpenResult {
  readonly rows: AsyncIterable<unknown>;
  /**
   * The rows were not read to their end (the caller stopped, or the query failed): close
   * the cursor or give up the connection so the pool never hands out a busy one.
   */
  abandon(): Promise<void> | void;
  /** Stops watching the connection; called last, whatever happened. */
  stop?(): void;
}

export abstract class KnexDriver implements Driver {
  readonly close: () => Promise<void>;
  /** Connections taken from the pool for a statement and not yet given back. */
  private readonly busy = new Set<unknown>();

  constructor(
    protected readonly knex: Knex,
    protected readonly toError: ToDatabaseError,
  ) {
    this.close = once(() => knex.destroy());
  }

  abstract stream(query: CompiledQuery): AsyncIterable<Row>;
  abstract all(query: CompiledQuery): Promise<Row[]>;

  /** How one statement of a transaction runs on this engine's raw connection. */
  protected abstract executor(connection: unknown): Execute;

  batches(query: CompiledQuery): AsyncIterable<Row[]> {
    return inBatches(this.stream(query));
  }

  abstract arrayBatches(query: CompiledQuery): AsyncIterable<unknown[][]>;

  async transaction<T>(fn: (execute: Execute) => Promise<T>): Promise<T> {
    try {
      return await this.knex.transaction(async (trx) => {
        const connection: unknown = await trx.client.acquireConnection();
        this.busy.add(connection);
        try {
          return await fn(this.executor(connection));
        } finally {
          this.busy.delete(connection);
        }
      });
    } catch (err) {
      throw this.toError(err);
    }
  }

  /**
   * Asks the server to stop every statement this driver is running, from a connection of
   * its own (the busy ones are waiting for their results). Resolves once the server has
   * been asked; the interrupted streams then fail with the server's cancel error.
   */
  async cancel(): Promise<void> {
    const running = [...this.busy];
    if (running.length === 0 || !this.cancelOn) return;
    const client = this.knex.client as { acquireRawConnection(): Promise<unknown>; destroyRawConnection(c: unknown): Promise<void> };
    const canceller = await client.acquireRawConnection();
    try {
      for (const connection of running) await this.cancelOn(canceller, connection);
    } finally {
      await client.destroyRawConnection(canceller).catch(() => undefined);
    }
  }

  /**
   * Sends, through `canceller`, the engine's request to stop the statement running on
   * `connection`. Absent where there is no server to ask (SQLite).
   */
  protected cancelOn?(canceller: unknown, connection: unknown): Promise<void>;

  /** A pool connection for a statement; `cancel()` reaches it until it is released. */
  protected async acquire<C>(): Promise<C> {
    const connection = await acquire<C>(this.knex, this.toError);
    this.busy.add(connection);
    return connection;
  }

  protected async release(connection: unknown): Promise<void> {
    this.busy.delete(connection);
    await release(this.knex, connection);
  }

  /** Runs `fn` on a pool connection that `cancel()` reaches, turning its failure into a DatabaseError. */
  protected async withConnection<C, T>(fn: (connection: C) => Promise<T>): Promise<T> {
    const connection = await this.acquire<C>();
    try {
      return await fn(connection);
    } catch (err) {
      throw this.toError(err);
    } finally {
      await this.release(connection);
    }
  }

  /**
   * Streams a result opened on a pooled connection, and gives the connection back however
   * the reading ends: after the last row, when the caller breaks out, or on an error.
   */
  protected async *streamOn<C, R = Row>(open: (connection: C) => OpenResult): AsyncGenerator<R> {
    const connection = await this.acquire<C>();
    let result: OpenResult | undefined;
    let completed = false;
    try {
      result = open(connection);
      try {
        for await (const row of result.rows) yield row as R;
      } catch (err) {
        throw this.toError(err);
      }
      completed = true;
    } finally {
      if (!completed) await result?.abandon();
      result?.stop?.();
      await this.release(connection);
    }
  }
}
