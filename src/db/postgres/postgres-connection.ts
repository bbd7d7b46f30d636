import type { Knex } from 'knex';
import pg from 'pg';
import type { SessionOptions } from '../open.js';
import { sessionPool } from '../knex/pool-hooks.js';

/**
 * Type OIDs read as the server's text, so a value never passes through a JS Date built
 * in the process's TZ, and big integers and decimals keep every digit; callers normalise.
 */
const AS_TEXT = new Set([
  20, // int8
  1082, // date
  1114, // timestamp
  1184, // timestamptz
  1700, // numeric
]);

interface TypeParsers {
  getTypeParser(oid: number, format?: string): unknown;
}

/** Per-connection parsers, so the global pg.types other code may rely on stay untouched. */
function typeParsers(user: TypeParsers | undefined): TypeParsers {
  return {
    getTypeParser(oid: number, format?: string) {
      if (AS_TEXT.has(oid) && format !== 'binary') return (value: string) => value;
      if (user) return user.getTypeParser(oid, format);
      return pg.types.getTypeParser(oid, (format ?? 'text') as 'text');
    },
  };
}

export function postgresKnexConfig(config: Knex.Config, options: Required<SessionOptions>): Knex.Config {
  const { readOnly, connectTimeoutMs, statementTimeoutMs } = options;
  const raw = config.connection;
  const connection: Record<string, unknown> =
    typeof raw === 'string' ? { connectionString: raw } : { ...((raw ?? {}) as Record<string, unknown>) };
  connection.types = typeParsers(connection.types as TypeParsers | undefined);
  // pg waits forever for a server that accepts the TCP connection but never answers.
  connection.connectionTimeoutMillis = connectTimeoutMs;
  // The server enforces statement_timeout (SQLSTATE 57014), so a cancelled statement
  // leaves a healthy session and nothing on the client has to race it.
  const setup =
    `SET TIME ZONE 'UTC'` +
    // Every digit of a float, whatever the server's default: 12 and later print the
    // shortest exact text at any setting above 0, 11 and older print 15 digits unless
    // asked (a double, or a time's epoch seconds, read back a little off).
    `; SET extra_float_digits = 3` +
    (readOnly ? '; SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY' : '') +
    `; SET statement_timeout = ${Math.max(0, Math.round(statementTimeoutMs))}`;
  return {
    ...config,
    client: 'pg',
    connection: connection as Knex.StaticConnectionConfig,
    pool: sessionPool(config.pool, (c) => (c as pg.Client).query(setup).then(() => undefined)),
  };
}
