/** The sqlite engine's run-time parts, loaded only when a sqlite database is opened. */
import type { EngineRuntime } from '../open.js';
import { sqliteKnexConfig } from './sqlite-connection.js';
import { SqliteDriver } from './sqlite-driver.js';
import { SqliteIntrospector } from './sqlite-introspector.js';

export const sqliteEngine: EngineRuntime = {
  knexConfig: sqliteKnexConfig,
  driver: (knex, secrets) => new SqliteDriver(knex, secrets),
  introspector: (knex, secrets) => new SqliteIntrospector(knex, secrets),
};
