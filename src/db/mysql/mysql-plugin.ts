/** MariaDB and MySQL through mysql2. */
import type { EnginePlugin } from '../engine-plugin.js';
import { mysqlDialect } from './mysql-dialect.js';

export const mysqlPlugin = {
  name: 'mysql' as const,
  clients: ['mysql2', 'mysql'],
  schemes: ['mysql', 'mariadb'],
  urlForms: ['mysql://…'],
  dialect: mysqlDialect,
  load: () => import('./mysql-engine.js').then((m) => m.openMysql),
} satisfies EnginePlugin;
