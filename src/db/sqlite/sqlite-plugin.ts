/** SQLite through better-sqlite3: a file, or a database in memory. */
import type { EnginePlugin } from '../engine-plugin.js';
import { sqliteDialect } from './sqlite-dialect.js';

export const sqlitePlugin = {
  name: 'sqlite' as const,
  clients: ['better-sqlite3', 'sqlite3'],
  // A bare file path (no scheme, or a Windows drive letter) means SQLite too.
  schemes: ['sqlite', 'sqlite3', 'file'],
  dialect: sqliteDialect,
  load: () => import('./sqlite-engine.js').then((m) => m.openSqlite),
  // A database in memory is private to its connection.
  seenByOtherConnections: (spec) => {
    const connection = spec.config.connection as { filename?: unknown } | undefined;
    const file = typeof connection === 'object' && connection !== null ? connection.filename : undefined;
    return typeof file === 'string' && file !== '' && file !== ':memory:' && !file.startsWith('file::memory:') && !file.includes('mode=memory');
  },
} satisfies EnginePlugin;
