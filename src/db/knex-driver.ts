/**
 * What every engine's driver shares: the Knex pool it runs on, the secrets to keep out of
 * its errors, an idempotent close, batches built from the row stream (SQLite, whose
 * steps are synchronous, builds its stream from batches instead), the one transaction
 * shape of `import`, and the life cycle of a streamed result on a pooled connection.
 * An engine says only what differs: how a statement runs on its raw connection.
 */
import type { Knex } from 'knex';
import { inBatches } from './batches.js';
import { databaseError } from './database-error.js';
import type { CompiledQuery, Driver, Row } from './dialect.js';
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

  constructor(
    protected readonly knex: Knex,
    protected readonly secrets: readonly string[],
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
      return await this.knex.transaction(async (trx) => fn(this.executor(await trx.client.acquireConnection())));
    } catch (err) {
      throw databaseError(err, this.secrets);
    }
  }

  /**
   * Streams a result opened on a pooled connection, and gives the connection back however
   * the reading ends: after the last row, when the caller breaks out, or on an error.
   */
  protected async *streamOn<C, R = Row>(open: (connection: C) => OpenResult): AsyncGenerator<R> {
    const connection = await acquire<C>(this.knex, this.secrets);
    let result: OpenResult | undefined;
    let completed = false;
    try {
      result = open(connection);
      try {
        for await (const row of result.rows) yield row as R;
      } catch (err) {
        throw databaseError(err, this.secrets);
      }
      completed = true;
    } finally {
      if (!completed) await result?.abandon();
      result?.stop?.();
      await release(this.knex, connection);
    }
  }
}
