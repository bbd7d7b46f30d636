/**
 * The engines built on Knex (SQLite, PostgreSQL, MariaDB/MySQL) open the same way: one
 * Knex pool, shared by the engine's driver and introspector. Knex stays behind this file
 * and the engines' own folders: nothing else in spellbook knows it is there.
 */
import type { Knex } from 'knex';
import type { Driver, Introspector } from '../dialect.js';
import type { OpenEngine, SessionOptions } from '../open.js';

/** A Knex-based engine's run-time parts: its Knex config, and driver and introspector over the Knex pool. */
export interface EngineRuntime {
  knexConfig(config: Knex.Config, options: Required<SessionOptions>): Knex.Config;
  driver(knex: Knex, secrets: readonly string[]): Driver;
  introspector(knex: Knex, secrets: readonly string[]): Introspector;
}

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

/** A Knex-based engine as an OpenEngine: one Knex pool shared by its driver and introspector. */
export function viaKnex(engine: EngineRuntime): OpenEngine {
  return async (spec, session) => {
    const { default: knexFactory } = await import('knex');
    const knex = knexFactory({ log: QUIET_LOG, ...engine.knexConfig(spec.config as Knex.Config, session) });
    return { driver: engine.driver(knex, spec.secrets), introspector: engine.introspector(knex, spec.secrets) };
  };
}
