import type { Knex } from 'knex';
import type { ToDatabaseError } from '../database-error.js';

/**
 * Raw connections from Knex's pool. Queries run on the driver's own connection object
 * rather than through knex.raw: knex.raw would rewrite `?` inside PostgreSQL SQL, prefix
 * error messages with the SQL text, and its `.stream()` buffers on better-sqlite3.
 */
export async function acquire<C>(knex: Knex, toError: ToDatabaseError): Promise<C> {
  try {
    return (await knex.client.acquireConnection()) as C;
  } catch (err) {
    throw toError(err);
  }
}

export async function release(knex: Knex, connection: unknown): Promise<void> {
  await knex.client.releaseConnection(connection);
}

/**
 * Marks a connection so Knex's pool validation throws it away instead of handing it to
 * the next caller (used when a result was abandoned half-read).
 */
export function discard(connection: unknown, reason: string): void {
  (connection as { __knex__disposed?: unknown }).__knex__disposed = reason;
}

export async function withConnection<C, T>(
  knex: Knex,
  toError: ToDatabaseError,
  fn: (connection: C) => Promise<T>,
): Promise<T> {
  const connection = await acquire<C>(knex, toError);
  try {
    return await fn(connection);
  } catch (err) {
    throw toError(err);
  } finally {
    await release(knex, connection);
  }
}

/** Runs `destroy` once; later calls get the same promise. */
export function once(destroy: () => Promise<void>): () => Promise<void> {
  let closing: Promise<void> | undefined;
  return () => (closing ??= destroy());
}
