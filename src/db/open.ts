import type { Knex } from 'knex';
import { SpellbookError } from '../errors.js';
import type { ConnectionSpec } from '../metadata/types.js';
import type { Database, Driver, EngineName, Introspector, SqlDialect } from './dialect.js';
import { trackDriver } from './interrupt.js';
import { mysqlDialect } from './mysql/mysql-dialect.js';
import { postgresDialect } from './postgres/postgres-dialect.js';
import { sqliteDialect } from './sqlite/sqlite-dialect.js';
import { trinoDialect } from './trino/trino-dialect.js';

const ENGINES: Record<string, EngineName> = {
  'better-sqlite3': 'sqlite',
  pg: 'postgres',
  postgres: 'postgres',
  postgresql: 'postgres',
  mysql: 'mysql',
  mysql2: 'mysql',
  trino: 'trino',
};

/**
 * How a database is opened. Timeouts are in milliseconds; 0 or absent means none
 * (`connectTimeoutMs` then falls back to DEFAULT_CONNECT_TIMEOUT_MS).
 */
export interface SessionOptions {
  readonly readOnly: boolean;
  /** Giving up on reaching the server: an unreachable host or a server that never answers must not hang a run. */
  readonly connectTimeoutMs?: number;
  /** The longest one statement may run, enforced by the server; not available on SQLite. */
  readonly statementTimeoutMs?: number;
}

/**
 * Long enough for a server across a VPN or waking a serverless instance, short enough
 * that a typo in a host name is reported while the user still waits for it.
 */
export const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;

/** What an engine's open() gives back: the two run-time roles, sharing one connection pool or client. */
export interface OpenedEngine {
  readonly driver: Driver;
  readonly introspector: Introspector;
}

/** Opens a database of one engine; Knex stays inside the engines built on it (viaKnex). */
export type OpenEngine = (spec: ConnectionSpec, session: Required<SessionOptions>) => Promise<OpenedEngine>;

/** A Knex-based engine's run-time parts: its Knex config, and driver and introspector over the Knex pool. */
export interface EngineRuntime {
  knexConfig(config: Knex.Config, options: Required<SessionOptions>): Knex.Config;
  driver(knex: Knex, secrets: readonly string[]): Driver;
  introspector(knex: Knex, secrets: readonly string[]): Introspector;
}

/** SQL generation is light and needed without a connection (`--dry-run`). */
const DIALECTS: Record<EngineName, SqlDialect> = {
  sqlite: sqliteDialect,
  postgres: postgresDialect,
  mysql: mysqlDialect,
  trino: trinoDialect,
};

/**
 * Drivers are loaded on demand: every command would otherwise pay for importing knex
 * and all three drivers at start-up, whichever database it uses, if any.
 */
const RUNTIMES: Record<EngineName, () => Promise<OpenEngine>> = {
  sqlite: () => import('./sqlite/sqlite-engine.js').then((m) => viaKnex(m.sqliteEngine)),
  postgres: () => import('./postgres/postgres-engine.js').then((m) => viaKnex(m.postgresEngine)),
  mysql: () => import('./mysql/mysql-engine.js').then((m) => viaKnex(m.mysqlEngine)),
  // Trino speaks HTTP through trino-client: no Knex, no pool.
  trino: () => import('./trino/trino-engine.js').then((m) => m.openTrino),
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
    throw new SpellbookError('METADATA_INVALID', 'connection.client must name a client: better-sqlite3, pg, mysql2 or trino');
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
      `connection.client "${client}" is not supported: use better-sqlite3, pg, mysql2 or trino`,
    );
  }
  return engine;
}

/** The dialect of a connection, for SQL generation without opening anything (`--dry-run`). */
export function dialectOf(spec: ConnectionSpec): SqlDialect {
  return DIALECTS[engineOf(spec)];
}

/** Whether a second connection sees the same data: not for an in-memory SQLite database, private to its connection. */
function seenByOtherConnections(spec: ConnectionSpec): boolean {
  if (engineOf(spec) !== 'sqlite') return true;
  const connection = spec.config.connection as { filename?: unknown } | undefined;
  const file = typeof connection === 'object' && connection !== null ? connection.filename : undefined;
  return typeof file === 'string' && file !== '' && file !== ':memory:' && !file.startsWith('file::memory:') && !file.includes('mode=memory');
}

/**
 * Opens a pool on the database. With `readOnly` every session refuses writes (SPEC §5);
 * every session runs in UTC and returns date-times as text, so nothing depends on the
 * process's TZ. Nothing connects until the first query, and the pool keeps no idle
 * minimum, so `close()` leaves nothing behind.
 */
export async function openDatabase(spec: ConnectionSpec, options: SessionOptions): Promise<Database> {
  const name = engineOf(spec);
  const open = await RUNTIMES[name]();
  const { readOnly } = options;
  const session: Required<SessionOptions> = {
    readOnly,
    connectTimeoutMs: options.connectTimeoutMs || DEFAULT_CONNECT_TIMEOUT_MS,
    statementTimeoutMs: options.statementTimeoutMs ?? 0,
  };
  const { driver, introspector } = await open(spec, session);
  const untrack = trackDriver(driver);
  return {
    dialect: DIALECTS[name],
    driver,
    introspector,
    readOnly,
    ...(seenByOtherConnections(spec) ? { reopen: { spec, options } } : {}),
    close: () => {
      untrack();
      return driver.close();
    },
  };
}

/** A Knex-based engine as an OpenEngine: one Knex pool shared by its driver and introspector. */
function viaKnex(engine: EngineRuntime): OpenEngine {
  return async (spec, session) => {
    const { default: knexFactory } = await import('knex');
    const knex = knexFactory({ log: QUIET_LOG, ...engine.knexConfig(spec.config as Knex.Config, session) });
    return { driver: engine.driver(knex, spec.secrets), introspector: engine.introspector(knex, spec.secrets) };
  };
}
