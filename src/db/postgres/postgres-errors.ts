import type { MissingObject } from '../dialect.js';

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
