import type { Knex } from 'knex';
import type { SessionOptions } from '../open.js';
import { sessionPool } from '../knex/pool-hooks.js';
import type { MysqlConnection } from './mysql-driver.js';
import { exactDoublesTypeCast, installed as exactDoubles } from './exact-doubles.js';

function run(connection: MysqlConnection, sql: string): Promise<void> {
  return new Promise((resolve, reject) => connection.query(sql, (err) => (err ? reject(err) : resolve())));
}

/** MySQL's "unknown system variable": the server is MySQL, not MariaDB. */
const ER_UNKNOWN_SYSTEM_VARIABLE = 1193;

/**
 * MariaDB's max_statement_time (seconds) covers every statement; MySQL only has
 * max_execution_time (milliseconds, SELECT only), which is all a read-only session runs.
 */
async function setStatementTimeout(connection: MysqlConnection, ms: number): Promise<void> {
  try {
    await run(connection, `SET SESSION max_statement_time = ${ms / 1000}`);
  } catch (err) {
    if ((err as { errno?: number }).errno !== ER_UNKNOWN_SYSTEM_VARIABLE) throw err;
    await run(connection, `SET SESSION max_execution_time = ${Math.round(ms)}`);
  }
}

export function mysqlKnexConfig(config: Knex.Config, options: Required<SessionOptions>): Knex.Config {
  const { readOnly, connectTimeoutMs, statementTimeoutMs } = options;
  const raw = config.connection;
  // mysql2 merges `uri` under explicit options, so a URL can take our options too.
  const connection: Record<string, unknown> =
    typeof raw === 'string' ? { uri: raw } : { ...((raw ?? {}) as Record<string, unknown>) };
  Object.assign(connection, {
    // DATETIME/TIMESTAMP/DATE as the server's text, never a Date in the process's TZ.
    dateStrings: true,
    // Date parameters are written in UTC, matching the session time zone below.
    timezone: 'Z',
    supportBigNumbers: true,
    bigNumberStrings: false,
    connectTimeout: connectTimeoutMs,
    // Floats read as stored (exact-doubles.ts); the typeCast only where its faster fix could not go in.
    ...(exactDoubles ? {} : { typeCast: exactDoublesTypeCast }),
  });
  if (readOnly) connection.multipleStatements = false;
  return {
    ...config,
    client: 'mysql2',
    connection: connection as Knex.StaticConnectionConfig,
    pool: sessionPool(config.pool, async (c) => {
      const conn = c as MysqlConnection;
      await run(conn, `SET time_zone = '+00:00'`);
      if (readOnly) await run(conn, 'SET SESSION TRANSACTION READ ONLY');
      if (statementTimeoutMs > 0) await setStatementTimeout(conn, statementTimeoutMs);
    }),
  };
}
