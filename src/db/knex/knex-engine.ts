/**
 * The engines built on Knex (SQLite, PostgreSQL, MariaDB/MySQL) open the same way: one
 * Knex pool, shared by the engine's driver and introspector. Knex stays behind this file
 * and the engines' own folders: nothing else in spellbook knows it is there.
 */
import type { Knex } from 'knex';
import type { Failure, ToDatabaseError } from '../database-error.js';
import type { Driver, Introspector } from '../dialect.js';
import type { OpenEngine, SessionOptions } from '../open.js';
import { knexDatabaseErrors } from './knex-errors.js';

/**
 * A Knex-based engine's run-time parts: its Knex config, driver and introspector over the
 * Knex pool (`toError` turning their failures into spellbook's error), and which of its
 * driver's errors are a failure with a flag to name (`<engine>-errors.ts`).
 */
export interface EngineRuntime {
  knexConfig(config: Knex.Config, options: Required<SessionOptions>): Knex.Config;
  driver(knex: Knex, toError: ToDatabaseError): Driver;
  introspector(knex: Knex, toError: ToDatabaseError): Introspector;
  failure(err: unknown): Failure | undefined;
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
    const toError = knexDatabaseErrors(spec.secrets, engine.failure);
    return { driver: engine.driver(knex, toError), introspector: engine.introspector(knex, toError) };
  };
}
