import { describe, expect, it } from 'vitest';
import { databaseError, redact } from '../../src/db/database-error.js';
import { engineOf, openDatabase } from '../../src/db/open.js';
import type { ConnectionSpec } from '../../src/db/connection.js';
import { describeEngines } from '../support/engines.js';

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
});

describeEngines('openDatabase from a URL', (ctx, engine) => {
  // SQLite has no connection URL here: the metadata loader turns sqlite:PATH into a filename.
  it.skipIf(engine === 'sqlite')('reaches the test place through the --db URL form', async () => {
    const { admin, url } = ctx();
    await admin.schema.createTable('here', (t) => t.integer('a'));
    await admin('here').insert({ a: 7 });
    const db = await openDatabase(
      { config: { client: engine === 'postgres' ? 'postgres' : 'mysql', connection: url }, readOnly: false, secrets: [] },
      { readOnly: true },
    );
    try {
      expect(await db.driver.all({ sql: 'SELECT a FROM here', parameters: [] })).toEqual([{ a: 7 }]);
      const zone = engine === 'postgres' ? `current_setting('TimeZone')` : '@@session.time_zone';
      expect(await db.driver.all({ sql: `SELECT ${zone} AS z`, parameters: [] })).toEqual([
        { z: engine === 'postgres' ? 'UTC' : '+00:00' },
      ]);
    } finally {
      await db.close();
    }
  });

  it.skipIf(engine === 'sqlite')('fails to connect with a clean DATABASE error that hides the password', async () => {
    const url = engine === 'postgres' ? 'postgres://nobody:topsecret@127.0.0.1:1/x' : 'mysql://nobody:topsecret@127.0.0.1:1/x';
    const db = await openDatabase(
      { config: { client: engine === 'postgres' ? 'pg' : 'mysql2', connection: url, acquireConnectionTimeout: 3000 }, readOnly: false, secrets: ['topsecret'] },
      { readOnly: true },
    );
    try {
      const err = await db.driver.all({ sql: 'SELECT 1', parameters: [] }).then(() => undefined, (e: unknown) => e);
      expect(err).toMatchObject({ code: 'DATABASE' });
      expect((err as Error).message).toMatch(/^database error: /);
      expect((err as Error).message).not.toContain('topsecret');
    } finally {
      await db.close();
    }
  });
});
