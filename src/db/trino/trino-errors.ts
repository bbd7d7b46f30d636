import type { MissingObject } from '../dialect.js';
import type { Failure } from '../database-error.js';

/**
 * TABLE_NOT_FOUND (`line 1:15: Table 'memory.default.accounts' does not exist`) and
 * COLUMN_NOT_FOUND (`line 1:8: Column 'src.balance' cannot be resolved`).
 */
export function trinoMissingObject(err: unknown): MissingObject | undefined {
  const e = (err ?? {}) as { errorName?: unknown; message?: unknown };
  const message = typeof e.message === 'string' ? e.message : '';
  const kind = e.errorName === 'COLUMN_NOT_FOUND' ? 'column' : e.errorName === 'TABLE_NOT_FOUND' ? 'table' : undefined;
  const m = /(?:Column|Table) '(.+?)'/.exec(message);
  return kind && m ? { kind, name: m[1]! } : undefined;
}

/**
 * EXCEEDED_TIME_LIMIT: Trino enforces query_max_run_time (--statement-timeout) itself and
 * fails the query with it. (The coordinator not answering within --connect-timeout is
 * Node's ETIMEDOUT, trino-control.ts, which database-error.ts knows for every engine.)
 */
export function trinoFailure(err: unknown): Failure | undefined {
  return (err as { errorName?: unknown } | null)?.errorName === 'EXCEEDED_TIME_LIMIT' ? 'statement-timeout' : undefined;
}
