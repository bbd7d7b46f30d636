/** SQLite through better-sqlite3: a file, or a database in memory. */
import { isAbsolute, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ConnectionConfig } from '../connection.js';
import type { EnginePlugin } from '../engine-plugin.js';
import { sqliteAdapter } from './sqlite-adapter.js';
import { sqliteCompiler } from './sqlite-dialect.js';

function config(filename: string, dir: string): ConnectionConfig {
  return { client: 'better-sqlite3', connection: { filename: resolvePath(filename, dir) }, useNullAsDefault: true };
}

function resolvePath(filename: string, dir: string): string {
  if (filename === ':memory:' || filename === '' || filename.startsWith('file:') || isAbsolute(filename)) return filename;
  return resolve(dir, filename);
}

function filenameOf(c: ConnectionConfig): unknown {
  const connection = c.connection;
  return typeof connection === 'object' && connection !== null ? (connection as { filename?: unknown }).filename : connection;
}

export const sqlitePlugin = {
  name: 'sqlite' as const,
  clients: ['better-sqlite3', 'sqlite3'],
  schemes: ['sqlite', 'sqlite3', 'file'],
  urlForms: ['sqlite:PATH', 'a file path'],
  fromUrl(url, dir) {
    const scheme = url.slice(0, url.indexOf(':'));
    if (scheme.toLowerCase() === 'file') {
      try {
        return config(fileURLToPath(url), dir);
      } catch {
        return 'expected a file: URL with an absolute path';
      }
    }
    let rest = url.slice(scheme.length + 1);
    if (rest.startsWith('//')) rest = rest.slice(2);
    return rest === '' ? 'expected a file path after sqlite:' : config(rest, dir);
  },
  fromPath: config,
  fromFields(fields, dir) {
    const conn = fields.connection;
    const out: Record<string, unknown> = { ...fields };
    if (typeof conn === 'string') out['connection'] = { filename: resolvePath(conn, dir) };
    else if (typeof conn === 'object' && conn !== null && typeof (conn as { filename?: unknown }).filename === 'string') {
      out['connection'] = { ...conn, filename: resolvePath((conn as { filename: string }).filename, dir) };
    }
    out['useNullAsDefault'] ??= true;
    return out;
  },
  describe: (c) => {
    const filename = filenameOf(c);
    return `sqlite:${typeof filename === 'string' ? filename : '?'}`;
  },
  // A path relative to the new metadata file, so the folder can move as a whole.
  urlFor(c, dir) {
    const filename = filenameOf(c);
    if (typeof c.connection !== 'object' || typeof filename !== 'string') return undefined;
    const path = isAbsolute(filename) ? relative(dir, filename) || filename : filename;
    return `sqlite:${path.split('\\').join('/')}`;
  },
  compiler: sqliteCompiler,
  adapter: sqliteAdapter,
  load: () => import('./sqlite-engine.js').then((m) => m.openSqlite),
  // A database in memory is private to its connection.
  seenByOtherConnections: (spec) => {
    const connection = spec.config.connection;
    const file = typeof connection === 'object' && connection !== null ? (connection as { filename?: unknown }).filename : undefined;
    return typeof file === 'string' && file !== '' && file !== ':memory:' && !file.startsWith('file::memory:') && !file.includes('mode=memory');
  },
} satisfies EnginePlugin;
