import { SpellbookError } from '../errors.js';
import type { ConnectionSpec } from './connection.js';
import type { Database, Driver, EngineSql, Introspector } from './dialect.js';
import { trackDriver } from './interrupt.js';
import { ENGINES, type EngineName, pluginForClient, pluginNamed } from './registry.js';

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

/** Opens a database of one engine; Knex stays inside the engines built on it (knex/knex-engine.ts). */
export type OpenEngine = (spec: ConnectionSpec, session: Required<SessionOptions>) => Promise<OpenedEngine>;

/** Each engine's driver's own client name, for messages: `better-sqlite3, pg, mysql2 or trino`. */
const DRIVER_NAMES = ENGINES.map((plugin) => plugin.clients[0]).join(', ').replace(/, ([^,]*)$/, ' or $1');

/** The engine behind a connection: the one place that reads its `client` name. */
export function engineOf(spec: ConnectionSpec): EngineName {
  const client = spec.config.client;
  if (typeof client !== 'string') {
    throw new SpellbookError('METADATA_INVALID', `connection.client must name a client: ${DRIVER_NAMES}`);
  }
  const name = client.toLowerCase();
  const plugin = pluginForClient(name);
  if (!plugin) {
    throw new SpellbookError('METADATA_INVALID', `connection.client "${client}" is not supported: use ${DRIVER_NAMES}`);
  }
  return plugin.name;
}

/**
 * A connection's query compiler and adapter, without opening anything (`--dry-run`, the
 * `auto` strategy's facts, import's refusal): callers take the part they need.
 */
export function engineSqlOf(spec: ConnectionSpec): EngineSql {
  const { compiler, adapter } = pluginNamed(engineOf(spec));
  return { compiler, adapter };
}

/**
 * Opens a pool on the database. With `readOnly` every session refuses writes (SPEC §5);
 * every session runs in UTC and returns date-times as text, so nothing depends on the
 * process's TZ. Nothing connects until the first query, and the pool keeps no idle
 * minimum, so `close()` leaves nothing behind.
 */
export async function openDatabase(spec: ConnectionSpec, options: SessionOptions): Promise<Database> {
  const plugin = pluginNamed(engineOf(spec));
  const open = await plugin.load();
  const { readOnly } = options;
  const session: Required<SessionOptions> = {
    readOnly,
    connectTimeoutMs: options.connectTimeoutMs || DEFAULT_CONNECT_TIMEOUT_MS,
    statementTimeoutMs: options.statementTimeoutMs ?? 0,
  };
  const { driver, introspector } = await open(spec, session);
  const untrack = trackDriver(driver);
  return {
    compiler: plugin.compiler,
    adapter: plugin.adapter,
    driver,
    introspector,
    readOnly,
    ...(plugin.seenByOtherConnections?.(spec) ?? true ? { reopen: { spec, options } } : {}),
    close: () => {
      untrack();
      return driver.close();
    },
  };
}
