import { SpellbookError } from '../errors.js';
import { redact } from '../util/redact.js';

export { redact };

/**
 * A failure the user can do something about, by the flag that sets its limit: the server
 * cancelled the statement at --statement-timeout, or no connection came within
 * --connect-timeout. Which driver errors these are is each engine's knowledge, in its
 * own folder (`<engine>-errors.ts`); this file only words them.
 */
export type Failure = 'statement-timeout' | 'connect-timeout';

const HINTS: Readonly<Record<Failure, string>> = {
  'statement-timeout': 'the statement ran longer than --statement-timeout',
  'connect-timeout': 'no connection within --connect-timeout',
};

/**
 * The failures every engine shares, for a driver that does not name its own: Node's
 * ETIMEDOUT, a socket that got no answer in time.
 */
function sharedFailure(err: unknown): Failure | undefined {
  return (err as { code?: unknown } | null)?.code === 'ETIMEDOUT' ? 'connect-timeout' : undefined;
}

/**
 * One clean line for a person (`database error: relation "x" does not exist`), with the
 * flag to turn where the engine says which `failure` it is; the driver's error stays
 * reachable as `cause` for `--debug` and for code that needs the engine's error code.
 */
export function databaseError(err: unknown, secrets: readonly string[], failure?: Failure): SpellbookError {
  if (err instanceof SpellbookError) return err;
  const raw = err instanceof Error ? err.message : String(err);
  const firstLine = (raw.split(/\r?\n/).find((l) => l.trim() !== '') ?? 'unknown error').trim();
  const kind = failure ?? sharedFailure(err);
  const text = kind === undefined ? firstLine : `${firstLine} (${HINTS[kind]})`;
  return new SpellbookError('DATABASE', `database error: ${redact(text, secrets)}`, { cause: err });
}

/** Turns a driver's failure into spellbook's DATABASE error, secrets hidden and its failure named. */
export type ToDatabaseError = (err: unknown) => SpellbookError;
