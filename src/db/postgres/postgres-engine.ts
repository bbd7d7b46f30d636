/** The postgres engine's run-time parts, loaded only when a postgres database is opened (see postgres-plugin.ts). */
import { type EngineRuntime, viaKnex } from '../knex/knex-engine.js';
import { postgresKnexConfig } from './postgres-connection.js';
import { PostgresDriver } from './postgres-driver.js';
import { PostgresIntrospector } from './postgres-introspector.js';

export const postgresEngine: EngineRuntime = {
  knexConfig: postgresKnexConfig,
  driver: (knex, secrets) => new PostgresDriver(knex, secrets),
  introspector: (knex, secrets) => new PostgresIntrospector(knex, secrets),
};

export const openPostgres = viaKnex(postgresEngine);
