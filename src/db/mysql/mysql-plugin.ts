/** MariaDB and MySQL through mysql2. */
import type { EnginePlugin } from '../engine-plugin.js';
import { mysqlAdapter } from './mysql-adapter.js';
import { mysqlCompiler } from './mysql-dialect.js';

export const mysqlPlugin = {
  name: 'mysql' as const,
  clients: ['mysql2', 'mysql'],
  schemes: ['mysql', 'mariadb'],
  urlForms: ['mysql://…'],
  compiler: mysqlCompiler,
  adapter: mysqlAdapter,
  load: () => import('./mysql-engine.js').then((m) => m.openMysql),
} satisfies EnginePlugin;
