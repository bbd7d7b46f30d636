import { databaseError, type Failure, type ToDatabaseError } from '../database-error.js';

/**
 * Knex's own failure to hand out a connection within its acquire limit (the pool's
 * `acquireConnectionTimeout`, which --connect-timeout sets): recognised here, by the
 * name Knex gives it, so nothing outside the engines built on Knex knows Knex.
 */
function isPoolTimeout(err: unknown): boolean {
  return (err as { name?: unknown } | null)?.name === 'KnexTimeoutError';
}

/**
 * How failures on a Knex-based engine's pool become spellbook's DATABASE error: the
 * pool's timeout is the connect limit, and the engine (`failure`, from its own
 * `<engine>-errors.ts`) names the rest.
 */
export function knexDatabaseErrors(secrets: readonly string[], failure: (err: unknown) => Failure | undefined): ToDatabaseError {
  return (err) => databaseError(err, secrets, isPoolTimeout(err) ? 'connect-timeout' : failure(err));
}
