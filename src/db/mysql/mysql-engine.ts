/** The mysql engine's run-time parts, loaded only when a mysql database is opened. */
import type { EngineRuntime } from '../open.js';
import { mysqlKnexConfig } from './mysql-connection.js';
import { MysqlDriver } from './mysql-driver.js';
import { MysqlIntrospector } from './mysql-introspector.js';

export const mysqlEngine: EngineRuntime = {
  knexConfig: mysqlKnexConfig,
  driver: (knex, secrets) => new MysqlDriver(knex, secrets),
  introspector: (knex, secrets) => new MysqlIntrospector(knex, secrets),
};
