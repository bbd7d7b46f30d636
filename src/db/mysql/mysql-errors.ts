import type { MissingObject } from '../dialect.js';
import type { Failure } from '../database-error.js';

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

/**
 * MariaDB's ER_STATEMENT_TIMEOUT 1969 and MySQL's ER_QUERY_TIMEOUT 3024: the statement
 * over max_statement_time / max_execution_time. (mysql2's connect timeout is Node's
 * ETIMEDOUT, which database-error.ts knows for every engine.)
 */
export function mysqlFailure(err: unknown): Failure | undefined {
  const errno = (err as { errno?: unknown } | null)?.errno;
  return errno === 1969 || errno === 3024 ? 'statement-timeout' : undefined;
}
