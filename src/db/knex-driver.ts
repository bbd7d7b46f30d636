/**
 * What every engine's driver shares: the Knex pool it runs on, the secrets to keep out of
 * its errors, an idempotent close, and batches built from the row stream (SQLite, whose
 * steps are synchronous, builds its stream from batches instead).
 */
import type { Knex } from 'knex';
import { inBatches } from './batches.js';
import type { CompiledQuery, Driver, Row } from './dialect.js';
import { once } from './pool.js';

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
  abstract transaction<T>(fn: (execute: (query: CompiledQuery) => Promise<void>) => Promise<T>): Promise<T>;

  batches(query: CompiledQuery): AsyncIterable<Row[]> {
    return inBatches(this.stream(query));
  }

  abstract arrayBatches(query: CompiledQuery): AsyncIterable<unknown[][]>;
}
