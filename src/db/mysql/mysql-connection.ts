import type { Knex } from 'knex';
import { type AfterCreate, chainAfterCreate } from '../pool-hooks.js';
import type { MysqlConnection } from './mysql-driver.js';

function run(connection: MysqlConnection, sql: string): Promise<void> {
  return new Promise((resolve, reject) => connection.query(sql, (err) => (err ? reject(err) : resolve())));
}

export function mysqlKnexConfig(config: Knex.Config, readOnly: boolean): Knex.Config {
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
  });
  if (readOnly) connection.multipleStatements = false;
  const pool = (config.pool ?? {}) as Knex.PoolConfig & { afterCreate?: AfterCreate };
  return {
    ...config,
    client: 'mysql2',
    connection: connection as Knex.StaticConnectionConfig,
    pool: {
      ...pool,
      min: 0,
      afterCreate: chainAfterCreate(async (c) => {
        const conn = c as MysqlConnection;
        await run(conn, `SET time_zone = '+00:00'`);
        if (readOnly) await run(conn, 'SET SESSION TRANSACTION READ ONLY');
      }, pool.afterCreate),
    },
  };
}
