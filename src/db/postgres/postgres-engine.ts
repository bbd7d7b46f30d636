/** The postgres engine's run-time parts, loaded only when a postgres database is opened. */
import type { EngineRuntime } from '../open.js';
import { postgresKnexConfig } from './postgres-connection.js';
import { PostgresDriver } from './postgres-driver.js';
import { PostgresIntrospector } from './postgres-introspector.js';

export const postgresEngine: EngineRuntime = {
  knexConfig: postgresKnexConfig,
  driver: (knex, secrets) => new PostgresDriver(knex, secrets),
  introspector: (knex, secrets) => new PostgresIntrospector(knex, secrets),
};
