import { SpellbookError } from '../errors.js';
import { redact } from '../util/redact.js';

export { redact };

/**
 * One clean line for a person (`database error: relation "x" does not exist`); the
 * driver's error stays reachable as `cause` for `--debug` and for code that needs the
 * engine's error code.
 */
export function databaseError(err: unknown, secrets: readonly string[]): SpellbookError {
  if (err instanceof SpellbookError) return err;
  const raw = err instanceof Error ? err.message : String(err);
  const firstLine = raw.split(/\r?\n/).find((l) => l.trim() !== '') ?? 'unknown error';
  return new SpellbookError('DATABASE', `database error: ${redact(firstLine.trim(), secrets)}`, { cause: err });
}
