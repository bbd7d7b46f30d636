/** The sqlite engine's run-time parts, loaded only when a sqlite database is opened (see sqlite-plugin.ts). */
import { type EngineRuntime, viaKnex } from '../knex/knex-engine.js';
import { sqliteKnexConfig } from './sqlite-connection.js';
import { SqliteDriver } from './sqlite-driver.js';
import { SqliteIntrospector } from './sqlite-introspector.js';

export const sqliteEngine: EngineRuntime = {
  knexConfig: sqliteKnexConfig,
  driver: (knex, secrets) => new SqliteDriver(knex, secrets),
  introspector: (knex, secrets) => new SqliteIntrospector(knex, secrets),
};

export const openSqlite = viaKnex(sqliteEngine);
