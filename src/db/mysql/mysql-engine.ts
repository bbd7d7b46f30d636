/** The mysql engine's run-time parts, loaded only when a mysql database is opened (see mysql-plugin.ts). */
import { type EngineRuntime, viaKnex } from '../knex/knex-engine.js';
import { mysqlKnexConfig } from './mysql-connection.js';
import { MysqlDriver } from './mysql-driver.js';
import { MysqlIntrospector } from './mysql-introspector.js';
import { mysqlFailure } from './mysql-errors.js';

export const mysqlEngine: EngineRuntime = {
  knexConfig: mysqlKnexConfig,
  driver: (knex, toError) => new MysqlDriver(knex, toError),
  introspector: (knex, toError) => new MysqlIntrospector(knex, toError),
  failure: mysqlFailure,
};

export const openMysql = viaKnex(mysqlEngine);
