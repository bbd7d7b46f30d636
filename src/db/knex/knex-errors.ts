import { databaseError } from '../database-error.js';
import type { SpellbookError } from '../../errors.js';

/**
 * Knex's own failure to hand out a connection within its acquire limit (the pool's
 * `acquireConnectionTimeout`, which --connect-timeout sets): recognised here, by the
 * name Knex gives it, so nothing outside the engines built on Knex knows Knex.
 */
function isPoolTimeout(err: unknown): boolean {
  return (err as { name?: unknown } | null)?.name === 'KnexTimeoutError';
}

/** A failure on a Knex pool as spellbook's DATABASE error, its pool timeout named as the connect limit. */
export function knexDatabaseError(err: unknown, secrets: readonly string[]): SpellbookError {
  return databaseError(err, secrets, isPoolTimeout(err) ? 'connect' : undefined);
}
