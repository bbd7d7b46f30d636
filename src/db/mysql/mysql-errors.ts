import type { MissingObject } from '../dialect.js';

/**
 * ER_BAD_FIELD_ERROR 1054 (`Unknown column 'src.balance' in 'field list'`) and
 * ER_NO_SUCH_TABLE 1146 (`Table 'db.accounts' doesn't exist`).
 */
export function mysqlMissingObject(err: unknown): MissingObject | undefined {
  const e = (err ?? {}) as { errno?: unknown; message?: unknown };
  const message = typeof e.message === 'string' ? e.message : '';
  const m = e.errno === 1054 ? /Unknown column '(.+?)' in/.exec(message) : e.errno === 1146 ? /Table '(.+?)' doesn't exist/.exec(message) : null;
  return m ? { kind: e.errno === 1054 ? 'column' : 'table', name: m[1]! } : undefined;
}
