import type { MissingObject } from '../dialect.js';
import type { Failure } from '../database-error.js';

/**
 * SQLSTATE 42703 undefined_column (`column src.balance does not exist`) and 42P01
 * undefined_table (`relation "accounts" does not exist`); the name is read from the text.
 */
export function postgresMissingObject(err: unknown): MissingObject | undefined {
  const e = (err ?? {}) as { code?: unknown; message?: unknown };
  const message = typeof e.message === 'string' ? e.message : '';
  const kind = e.code === '42703' ? 'column' : e.code === '42P01' ? 'table' : undefined;
  const m = /^(?:column|relation) (.+) does not exist/.exec(message);
  return kind && m ? { kind, name: m[1]! } : undefined;
}

/**
 * SQLSTATE 57014 query_canceled is a statement over statement_timeout when its text says
 * so (a cancel from Ctrl-C has the same code); pg's connectionTimeoutMillis fails the
 * connect with one of two texts and no code.
 */
export function postgresFailure(err: unknown): Failure | undefined {
  const e = (err ?? {}) as { code?: unknown; message?: unknown };
  const message = typeof e.message === 'string' ? e.message : '';
  if (e.code === '57014' && /statement timeout/.test(message)) return 'statement-timeout';
  return /^(timeout expired|Connection terminated due to connection timeout)$/.test(message) ? 'connect-timeout' : undefined;
}
