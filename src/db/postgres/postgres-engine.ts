/** The postgres engine's run-time parts, loaded only when a postgres database is opened (see postgres-plugin.ts). */
import { type EngineRuntime, viaKnex } from '../knex/knex-engine.js';
import { postgresKnexConfig } from './postgres-connection.js';
import { PostgresDriver } from './postgres-driver.js';
import { PostgresIntrospector } from './postgres-introspector.js';
import { postgresFailure } from './postgres-errors.js';

export const postgresEngine: EngineRuntime = {
  knexConfig: postgresKnexConfig,
  driver: (knex, toError) => new PostgresDriver(knex, toError),
  introspector: (knex, toError) => new PostgresIntrospector(knex, toError),
  failure: postgresFailure,
};

export const openPostgres = viaKnex(postgresEngine);
