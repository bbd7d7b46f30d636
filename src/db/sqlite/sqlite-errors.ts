import type { MissingObject } from '../dialect.js';

/**
 * SQLite has one error code for every statement error (SQLITE_ERROR), so the text is
 * all there is: `no such column: src.balance`, `no such table: accounts`.
 */
export function sqliteMissingObject(err: unknown): MissingObject | undefined {
  const message = err instanceof Error ? err.message : '';
  const m = /^no such (table|column): (.+)$/.exec(message.trim());
  return m ? { kind: m[1] as 'table' | 'column', name: m[2]! } : undefined;
}
