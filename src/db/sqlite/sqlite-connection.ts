import { existsSync } from 'node:fs';
import type { Knex } from 'knex';
import { SpellbookError } from '../../errors.js';

type SqliteConnection = { filename: string; options?: Record<string, unknown> } & Record<string, unknown>;

function connectionOf(config: Knex.Config): SqliteConnection {
  const c = config.connection;
  if (typeof c === 'string') return { filename: c };
  if (c && typeof c === 'object' && typeof (c as { filename?: unknown }).filename === 'string') {
    return c as SqliteConnection;
  }
  throw new SpellbookError('METADATA_INVALID', 'a better-sqlite3 connection needs connection.filename');
}

function isInMemory(filename: string): boolean {
  return filename === ':memory:' || filename === '' || filename.startsWith('file:');
}

/**
 * The user's Knex config with spellbook's session rules on top. Knex's better-sqlite3
 * client forwards only `options.readonly` (and nativeBinding) to the Database
 * constructor, not `fileMustExist`, so a missing file is caught here before better-sqlite3
 * could create an empty one.
 */
export function sqliteKnexConfig(config: Knex.Config, readOnly: boolean): Knex.Config {
  const connection = connectionOf(config);
  const { filename } = connection;
  if (readOnly && !isInMemory(filename) && !existsSync(filename)) {
    throw new SpellbookError('DATABASE', `cannot open sqlite:${filename}: file not found`);
  }
  const pool = (config.pool ?? {}) as Knex.PoolConfig;
  return {
    useNullAsDefault: true,
    ...config,
    client: 'better-sqlite3',
    connection: { ...connection, options: { ...connection.options, readonly: readOnly } },
    pool: {
      ...pool,
      min: 0,
      // A merge join reads several ordered scans at once; each holds a connection while
      // it streams. Readers never lock each other out, the single writer (import) does.
      max: pool.max ?? (readOnly && !isInMemory(filename) ? 8 : 1),
    },
  };
}
