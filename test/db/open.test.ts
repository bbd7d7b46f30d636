import { describe, expect, it } from 'vitest';
import { knex } from 'knex';
import { databaseError, redact } from '../../src/db/database-error.js';
import { knexDatabaseErrors } from '../../src/db/knex/knex-errors.js';
import { mysqlFailure } from '../../src/db/mysql/mysql-errors.js';
import { postgresFailure } from '../../src/db/postgres/postgres-errors.js';
import { trinoFailure } from '../../src/db/trino/trino-errors.js';
import { engineOf, openDatabase } from '../../src/db/open.js';
import { tmpdir } from 'node:os';
import { connectionFromUrl, type ConnectionSpec } from '../../src/db/connection.js';
import { describeEngines, perEngine, type PerEngine } from '../support/engines.js';

const spec = (client: string): ConnectionSpec => ({ config: { client, connection: {} }, readOnly: false, secrets: [] });

describe('engineOf', () => {
  it('maps every accepted client name to its engine', () => {
    expect(['better-sqlite3', 'pg', 'postgres', 'postgresql', 'mysql', 'mysql2'].map((c) => engineOf(spec(c)))).toEqual([
      'sqlite', 'postgres', 'postgres', 'postgres', 'mysql', 'mysql',
    ]);
  });

  it('takes sqlite3 as the metadata does (an alias of better-sqlite3), and turns away unknown clients', () => {
    expect(engineOf(spec('sqlite3'))).toBe('sqlite');
    expect(() => engineOf(spec('oracledb'))).toThrow('connection.client "oracledb" is not supported: use better-sqlite3, pg, mysql2 or trino');
  });
});

describe('database errors', () => {
  it('keep one line, hide secrets and URL passwords, and keep the cause', () => {
    const cause = new Error('password authentication failed for "s3cret" at postgres://bob:hunter2@db/x\n  at somewhere');
    const err = databaseError(cause, ['s3cret']);
    expect(err.code).toBe('DATABASE');
    expect(err.message).toBe('database error: password authentication failed for "***" at postgres://bob:***@db/x');
    expect(err.cause).toBe(cause);
    expect(redact('mysql://root:pw@h:3306/db', [])).toBe('mysql://root:***@h:3306/db');
  });

  it("name Knex's pool timeout as the connect limit, in the engines built on Knex only", () => {
    const timeout = new knex.KnexTimeoutError('Knex: Timeout acquiring a connection. The pool is probably full.');
    expect(knexDatabaseErrors([], () => undefined)(timeout).message).toBe(
      'database error: Knex: Timeout acquiring a connection. The pool is probably full. (no connection within --connect-timeout)',
    );
    // The generic layer knows no Knex.
    expect(databaseError(timeout, []).message).toBe('database error: Knex: Timeout acquiring a connection. The pool is probably full.');
  });

  it("name the flag of a failure by the engine's own codes, which the shared layer does not read", () => {
    const pgTimeout = Object.assign(new Error('canceling statement due to statement timeout'), { code: '57014' });
    const pgCancel = Object.assign(new Error('canceling statement due to user request'), { code: '57014' });
    const mariaTimeout = Object.assign(new Error('Query execution was interrupted (max_statement_time exceeded)'), { errno: 1969 });
    const trinoTimeout = Object.assign(new Error('Query exceeded maximum time limit of 1.00ms'), { errorName: 'EXCEEDED_TIME_LIMIT' });
    expect([postgresFailure(pgTimeout), postgresFailure(pgCancel), postgresFailure(new Error('timeout expired'))]).toEqual([
      'statement-timeout', undefined, 'connect-timeout',
    ]);
    expect([mysqlFailure(mariaTimeout), mysqlFailure(pgTimeout)]).toEqual(['statement-timeout', undefined]);
    expect([trinoFailure(trinoTimeout), trinoFailure(mariaTimeout)]).toEqual(['statement-timeout', undefined]);
    expect(knexDatabaseErrors(['pw'], postgresFailure)(pgTimeout).message).toBe(
      'database error: canceling statement due to statement timeout (the statement ran longer than --statement-timeout)',
    );
    expect(databaseError(pgTimeout, []).message).toBe('database error: canceling statement due to statement timeout');
    expect(databaseError(mariaTimeout, []).message).toBe('database error: Query execution was interrupted (max_statement_time exceeded)');
    expect(databaseError(trinoTimeout, []).message).toBe('database error: Query exceeded maximum time limit of 1.00ms');
  });
});

/** The session's time zone, as the engine names UTC (SQLite has no session zone). */
const ZONE: PerEngine<{ sql: string; utc: string } | null> = {
  sqlite: null,
  postgres: { sql: `current_setting('TimeZone')`, utc: 'UTC' },
  mysql: { sql: '@@session.time_zone', utc: '+00:00' },
  trino: { sql: 'current_timezone()', utc: 'UTC' },
};

/** A server that refuses connections, with a password that must not show. */
const REFUSING: PerEngine<string | null> = {
  sqlite: null,
  postgres: 'postgres://nobody:topsecret@127.0.0.1:1/x',
  mysql: 'mysql://nobody:topsecret@127.0.0.1:1/x',
  trino: 'trino://nobody:topsecret@127.0.0.1:1/memory/default',
};

/** The spec `--db URL` gives, as the CLI gets it. */
function fromUrl(url: string): ConnectionSpec {
  const spec = connectionFromUrl(url, tmpdir());
  if (typeof spec === 'string') throw new Error(spec);
  return spec;
}

describeEngines('openDatabase from a URL', (ctx, engine) => {
  it('reaches the test place through the --db URL form, in a UTC session', async () => {
    const { admin, url } = ctx();
    await admin.schema.createTable('here', (t) => t.integer('a'));
    await admin('here').insert({ a: 7 });
    const db = await openDatabase(fromUrl(url), { readOnly: true });
    try {
      expect(await db.driver.all({ sql: 'SELECT a FROM here', parameters: [] })).toEqual([{ a: 7 }]);
      const zone = perEngine(engine, ZONE);
      if (zone !== null) expect(await db.driver.all({ sql: `SELECT ${zone.sql} AS z`, parameters: [] })).toEqual([{ z: zone.utc }]);
    } finally {
      await db.close();
    }
  });

  // PostgreSQL 15's default is 1 (already exact there); 11 and older print 15 digits at 0.
  it.skipIf(engine !== 'postgres')('asks PostgreSQL for every digit of a float', async () => {
    const db = await openDatabase(fromUrl(ctx().url), { readOnly: true });
    try {
      expect(await db.driver.all({ sql: `SELECT current_setting('extra_float_digits') AS d`, parameters: [] })).toEqual([{ d: '3' }]);
    } finally {
      await db.close();
    }
  });

  // A file has no server to refuse it.
  it.skipIf(engine === 'sqlite')('fails to connect with a clean DATABASE error that hides the password', async () => {
    const spec = fromUrl(perEngine(engine, REFUSING)!);
    const db = await openDatabase({ ...spec, config: { ...spec.config, acquireConnectionTimeout: 3000 } }, { readOnly: true });
    try {
      const err = await db.driver.all({ sql: 'SELECT 1', parameters: [] }).then(() => undefined, (e: unknown) => e);
      expect(err).toMatchObject({ code: 'DATABASE' });
      expect((err as Error).message).toMatch(/^database error: connect ECONNREFUSED 127\.0\.0\.1:1$/);
      expect((err as Error).message).not.toContain('topsecret');
    } finally {
      await db.close();
    }
  });
});
