/** The sqlite engine's run-time parts, loaded only when a sqlite database is opened (see sqlite-plugin.ts). */
import { type EngineRuntime, viaKnex } from '../knex/knex-engine.js';
import { sqliteKnexConfig } from './sqlite-connection.js';
import { SqliteDriver } from './sqlite-driver.js';
import { SqliteIntrospector } from './sqlite-introspector.js';
import { sqliteFailure } from './sqlite-errors.js';

export const sqliteEngine: EngineRuntime = {
  knexConfig: sqliteKnexConfig,
  driver: (knex, toError) => new SqliteDriver(knex, toError),
  introspector: (knex, toError) => new SqliteIntrospector(knex, toError),
  failure: sqliteFailure,
};

export const openSqlite = viaKnex(sqliteEngine);
