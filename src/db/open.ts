import knexFactory, { type Knex } from 'knex';
import { SpellbookError } from '../errors.js';
import type { ConnectionSpec } from '../metadata/types.js';
import type { Database, Driver, EngineName, Introspector, SqlDialect } from './dialect.js';
import { mysqlKnexConfig } from './mysql/mysql-connection.js';
import { mysqlDialect } from './mysql/mysql-dialect.js';
import { MysqlDriver } from './mysql/mysql-driver.js';
import { MysqlIntrospector } from './mysql/mysql-introspector.js';
import { postgresKnexConfig } from './postgres/postgres-connection.js';
import { postgresDialect } from './postgres/postgres-dialect.js';
import { PostgresDriver } from './postgres/postgres-driver.js';
import { PostgresIntrospector } from './postgres/postgres-introspector.js';
import { sqliteKnexConfig } from './sqlite/sqlite-connection.js';
import { sqliteDialect } from './sqlite/sqlite-dialect.js';
import { SqliteDriver } from './sqlite/sqlite-driver.js';
import { SqliteIntrospector } from './sqlite/sqlite-introspector.js';

const ENGINES: Record<string, EngineName> = {
  'better-sqlite3': 'sqlite',
  pg: 'postgres',
  postgres: 'postgres',
  postgresql: 'postgres',
  mysql: 'mysql',
  mysql2: 'mysql',
};

interface Engine {
  readonly dialect: SqlDialect;
  knexConfig(config: Knex.Config, readOnly: boolean): Knex.Config;
  driver(knex: Knex, secrets: readonly string[]): Driver;
  introspector(knex: Knex, secrets: readonly string[]): Introspector;
}

const IMPLEMENTATIONS: Record<EngineName, Engine> = {
  sqlite: {
    dialect: sqliteDialect,
    knexConfig: sqliteKnexConfig,
    driver: (k, s) => new SqliteDriver(k, s),
    introspector: (k, s) => new SqliteIntrospector(k, s),
  },
  postgres: {
    dialect: postgresDialect,
    knexConfig: postgresKnexConfig,
    driver: (k, s) => new PostgresDriver(k, s),
    introspector: (k, s) => new PostgresIntrospector(k, s),
  },
  mysql: {
    dialect: mysqlDialect,
    knexConfig: mysqlKnexConfig,
    driver: (k, s) => new MysqlDriver(k, s),
    introspector: (k, s) => new MysqlIntrospector(k, s),
  },
};

/**
 * Knex prints pool failures and warnings to the console on its own; every failure
 * already reaches the caller as a SpellbookError, so by default nothing else is printed
 * (a user's own `log` in the connection config still wins).
 */
const QUIET_LOG: Knex.Config['log'] = {
  warn: () => undefined,
  error: () => undefined,
  deprecate: () => undefined,
  debug: () => undefined,
};

/** The engine behind a connection: the one place that reads Knex's `client` name. */
export function engineOf(spec: ConnectionSpec): EngineName {
  const client = spec.config.client;
  if (typeof client !== 'string') {
    throw new SpellbookError('METADATA_INVALID', 'connection.client must name a client: better-sqlite3, pg or mysql2');
  }
  const name = client.toLowerCase();
  if (name === 'sqlite3' || name === 'sqlite') {
    throw new SpellbookError(
      'METADATA_INVALID',
      `connection.client "${client}" is not supported: use "better-sqlite3" (same files, synchronous and streaming)`,
    );
  }
  const engine = ENGINES[name];
  if (!engine) {
    throw new SpellbookError(
      'METADATA_INVALID',
      `connection.client "${client}" is not supported: use better-sqlite3, pg or mysql2`,
    );
  }
  return engine;
}

/** The dialect of a connection, for SQL generation without opening anything (`--dry-run`). */
export function dialectOf(spec: ConnectionSpec): SqlDialect {
  return IMPLEMENTATIONS[engineOf(spec)].dialect;
}

/**
 * Opens a pool on the database. With `readOnly` every session refuses writes (SPEC §5);
 * every session runs in UTC and returns date-times as text, so nothing depends on the
 * process's TZ. Nothing connects until the first query, and the pool keeps no idle
 * minimum, so `close()` leaves nothing behind.
 */
export async function openDatabase(spec: ConnectionSpec, options: { readOnly: boolean }): Promise<Database> {
  const engine = IMPLEMENTATIONS[engineOf(spec)];
  const { readOnly } = options;
  const knex = knexFactory({ log: QUIET_LOG, ...engine.knexConfig(spec.config, readOnly) });
  const driver = engine.driver(knex, spec.secrets);
  return {
    dialect: engine.dialect,
    driver,
    introspector: engine.introspector(knex, spec.secrets),
    knex,
    readOnly,
    close: () => driver.close(),
  };
}
