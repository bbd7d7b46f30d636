import { existsSync } from 'node:fs';
import type { Knex } from 'knex';
import { SpellbookError } from '../../errors.js';
import type { SessionOptions } from '../open.js';
import { sessionPool } from '../knex/pool-hooks.js';

/**
 * Readers scan once, so a large page cache buys nothing, while each of a join's or
 * export's concurrent connections would hold better-sqlite3's 16 MB default: 2 MB each
 * (measured: the same speed, ~30 MB less per connection).
 */
const READ_ONLY_CACHE = 'PRAGMA cache_size = -2000';

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
/*
 * Timeouts do not apply to SQLite: opening a file cannot hang, and better-sqlite3 runs a
 * statement synchronously on the main thread without exposing sqlite3_interrupt or a
 * progress handler, so nothing could stop a statement once it runs (not even a signal
 * handler, which waits for the event loop). `--statement-timeout` is ignored here.
 */
export function sqliteKnexConfig(config: Knex.Config, options: Required<SessionOptions>): Knex.Config {
  const { readOnly } = options;
  const connection = connectionOf(config);
  const { filename } = connection;
  if (readOnly && !isInMemory(filename) && !existsSync(filename)) {
    throw new SpellbookError('DATABASE', `cannot open sqlite:${filename}: file not found`);
  }
  // A writer's connections need no setup of spellbook's.
  const pool = sessionPool(config.pool, async (c) => {
    if (readOnly) (c as { exec(sql: string): unknown }).exec(READ_ONLY_CACHE);
  });
  return {
    useNullAsDefault: true,
    ...config,
    client: 'better-sqlite3',
    connection: { ...connection, options: { ...connection.options, readonly: readOnly } },
    pool: {
      ...pool,
      // A merge join reads several ordered scans at once; each holds a connection while
      // it streams. Readers never lock each other out, the single writer (import) does.
      max: pool.max ?? (readOnly && !isInMemory(filename) ? 8 : 1),
    },
  };
}
