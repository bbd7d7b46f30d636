import type { Knex } from 'knex';
import type { Database } from '../../src/db/dialect.js';
import { openDatabase } from '../../src/db/open.js';
import type { ConnectionSpec } from '../../src/db/connection.js';
import type { EngineContext } from '../support/engines.js';

export function specFor(ctx: EngineContext, extra: Partial<Knex.Config> = {}): ConnectionSpec {
  return { config: { ...(ctx.connection as Knex.Config), ...extra }, readOnly: false, secrets: [] };
}

/** Opens a Database on the test's place, runs `fn`, and always closes it. */
export async function withDatabase<T>(
  ctx: EngineContext,
  options: { readOnly: boolean; extra?: Partial<Knex.Config> },
  fn: (db: Database) => Promise<T>,
): Promise<T> {
  const db = await openDatabase(specFor(ctx, options.extra), { readOnly: options.readOnly });
  try {
    return await fn(db);
  } finally {
    await db.close();
  }
}

/** Fails instead of hanging when a connection was not given back to the pool. */
export function within<T>(ms: number, promise: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
