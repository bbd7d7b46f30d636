import { SpellbookError } from '../errors.js';

/**
 * Hides every known secret and any `user:password@` in a URL. Driver messages can echo
 * connection strings (pg's "password authentication failed", a bad URI in mysql2).
 */
export function redact(text: string, secrets: readonly string[]): string {
  let out = text.replace(/(\/\/[^/\s:@]+:)[^@\s/]+@/g, '$1***@');
  for (const s of secrets) {
    if (s.length > 0) out = out.split(s).join('***');
  }
  return out;
}

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
