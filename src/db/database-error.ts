import { SpellbookError } from '../errors.js';
import { redact } from '../util/redact.js';

export { redact };

interface DriverError {
  code?: unknown;
  errno?: unknown;
  /** Trino's error name (trino-driver.ts TrinoQueryError). */
  errorName?: unknown;
}

/**
 * A limit an engine knows its error to be about, where the error itself does not say so
 * in a code (Knex's pool timeout: src/db/knex/knex-errors.ts).
 */
export type Limit = 'connect';

/**
 * A driver's words for "the server cancelled the statement at its time limit" and "no
 * connection within the limit" get the flag that sets the limit, so the user knows
 * which knob to turn. Matched on codes, not text, wherever the driver gives one.
 */
function hint(err: unknown, message: string, limit: Limit | undefined): string | undefined {
  const e = (err ?? {}) as DriverError;
  // PostgreSQL query_canceled raised by statement_timeout; MariaDB ER_STATEMENT_TIMEOUT; MySQL ER_QUERY_TIMEOUT;
  // Trino's query_max_run_time.
  if ((e.code === '57014' && /statement timeout/.test(message)) || e.errno === 1969 || e.errno === 3024 || e.errorName === 'EXCEEDED_TIME_LIMIT') {
    return 'the statement ran longer than --statement-timeout';
  }
  if (limit === 'connect' || e.code === 'ETIMEDOUT' || /^(timeout expired|Connection terminated due to connection timeout)$/.test(message)) {
    return 'no connection within --connect-timeout';
  }
  return undefined;
}

/**
 * One clean line for a person (`database error: relation "x" does not exist`); the
 * driver's error stays reachable as `cause` for `--debug` and for code that needs the
 * engine's error code.
 */
export function databaseError(err: unknown, secrets: readonly string[], limit?: Limit): SpellbookError {
  if (err instanceof SpellbookError) return err;
  const raw = err instanceof Error ? err.message : String(err);
  const firstLine = (raw.split(/\r?\n/).find((l) => l.trim() !== '') ?? 'unknown error').trim();
  const why = hint(err, firstLine, limit);
  const text = why === undefined ? firstLine : `${firstLine} (${why})`;
  return new SpellbookError('DATABASE', `database error: ${redact(text, secrets)}`, { cause: err });
}
