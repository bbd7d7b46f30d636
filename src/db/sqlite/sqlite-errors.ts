import type { MissingObject } from '../dialect.js';
import type { Failure } from '../database-error.js';

/**
 * SQLite has one error code for every statement error (SQLITE_ERROR), so the text is
 * all there is: `no such column: src.balance`, `no such table: accounts`.
 */
export function sqliteMissingObject(err: unknown): MissingObject | undefined {
  const message = err instanceof Error ? err.message : '';
  const m = /^no such (table|column): (.+)$/.exec(message.trim());
  return m ? { kind: m[1] as 'table' | 'column', name: m[2]! } : undefined;
}

/**
 * SQLite runs in this process: no connection to wait for and no statement timeout
 * (--statement-timeout does not apply), so no failure of its has a flag to name.
 */
export function sqliteFailure(): Failure | undefined {
  return undefined;
}
