/** Where the database is: --db, SPELLBOOK_DB, connection:, in every URL form; secrets never shown. */
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SpellbookError } from '../../src/errors.js';
import {
  connectionFromSource,
  connectionFromUrl,
  describeConnection,
  redact,
  resolveConnection,
  type ConnectionSpec,
} from '../../src/db/connection.js';
import type { ConnectionSource, Metadata } from '../../src/metadata/types.js';

const META_DIR = '/srv/features';

function md(connection?: ConnectionSource): Metadata {
  return { file: `${META_DIR}/metadata.yml`, dir: META_DIR, version: 1, entities: [], groups: [], ...(connection ? { connection } : {}) };
}

function spec(url: string, baseDir = META_DIR): ConnectionSpec {
  const result = connectionFromUrl(url, baseDir);
  if (typeof result === 'string') throw new Error(result);
  return result;
}

const SOURCE: ConnectionSource = {
  written: { client: 'postgresql', connection: { host: 'replica', user: 'reader', password: 'pw', database: 'shop' } },
  readOnly: true,
  dir: META_DIR,
  at: { file: 'metadata.yml', line: 2, col: 13 },
};

const FROM_METADATA: ConnectionSpec = {
  config: { client: 'pg', connection: { host: 'replica', user: 'reader', password: 'pw', database: 'shop' } },
  readOnly: true,
  secrets: ['pw'],
};

describe('resolveConnection', () => {
  it('prefers --db, then SPELLBOOK_DB, then the metadata', () => {
    const env = { SPELLBOOK_DB: 'postgres://env-host/db' };
    expect(resolveConnection(md(SOURCE), { db: 'mysql://flag-host/db', env }).config).toEqual({
      client: 'mysql2',
      connection: 'mysql://flag-host/db',
    });
    expect(resolveConnection(md(SOURCE), { env }).config).toEqual({ client: 'pg', connection: 'postgres://env-host/db' });
    expect(resolveConnection(md(SOURCE), { env: {} })).toEqual(FROM_METADATA);
    expect(resolveConnection(md(SOURCE), { env: { SPELLBOOK_DB: '' } })).toEqual(FROM_METADATA);
  });

  it('reports a connection: URL no engine takes at its place in the metadata file', () => {
    const source: ConnectionSource = { ...SOURCE, written: 'oracle://scott:tiger@db/x', readOnly: false };
    expect(() => connectionFromSource(source)).toThrow(
      'metadata.yml:2:13: connection: expected sqlite:PATH, a file path, postgres://…, mysql://… or trino://…, got "oracle://scott:***@db/x"',
    );
  });

  it('works without metadata when a URL is given', () => {
    expect(resolveConnection(undefined, { db: 'sqlite::memory:', env: {} }).config).toEqual({
      client: 'better-sqlite3',
      connection: { filename: ':memory:' },
      useNullAsDefault: true,
    });
  });

  it('is a usage error when nothing names a database', () => {
    const run = (): unknown => resolveConnection(md(), { env: {} });
    expect(run).toThrow(SpellbookError);
    expect(run).toThrow('no database: set --db, SPELLBOOK_DB or connection: in the metadata file');
    try {
      run();
    } catch (e) {
      expect((e as SpellbookError).code).toBe('USAGE');
      expect((e as SpellbookError).exitCode).toBe(2);
    }
  });

  it('resolves a relative --db or SPELLBOOK_DB path against the working directory', () => {
    const expected = { client: 'better-sqlite3', connection: { filename: resolve('data/shop.db') }, useNullAsDefault: true };
    expect(resolveConnection(md(), { db: 'data/shop.db', env: {} }).config).toEqual(expected);
    expect(resolveConnection(md(), { db: 'sqlite:data/shop.db', env: {} }).config).toEqual(expected);
    expect(resolveConnection(md(), { env: { SPELLBOOK_DB: './data/shop.db' } }).config).toEqual(expected);
  });

  it('names the flag and masks the password of an unsupported URL', () => {
    expect(() => resolveConnection(md(), { db: 'oracle://scott:tiger@db/x', env: {} })).toThrow(
      '--db: expected sqlite:PATH, a file path, postgres://…, mysql://… or trino://…, got "oracle://scott:***@db/x"',
    );
    expect(() => resolveConnection(md(), { env: { SPELLBOOK_DB: 'mssql://db/x' } })).toThrow(/^SPELLBOOK_DB: expected/);
  });
});

describe('connectionFromUrl', () => {
  const sqlite = (filename: string): unknown => ({ client: 'better-sqlite3', connection: { filename }, useNullAsDefault: true });

  it.each([
    ['sqlite:shop.db', join(META_DIR, 'shop.db')],
    ['sqlite:./data/shop.db', join(META_DIR, 'data/shop.db')],
    ['sqlite:../shop.db', '/srv/shop.db'],
    ['sqlite:/var/db/shop.db', '/var/db/shop.db'],
    ['sqlite:///var/db/shop.db', '/var/db/shop.db'],
    ['SQLITE:shop.db', join(META_DIR, 'shop.db')],
    ['sqlite::memory:', ':memory:'],
    ['file:///var/db/shop.db', '/var/db/shop.db'],
    ['shop.db', join(META_DIR, 'shop.db')],
    ['./data/shop.sqlite', join(META_DIR, 'data/shop.sqlite')],
    ['/var/db/shop.db', '/var/db/shop.db'],
  ])('%s is SQLite at %s', (url, filename) => {
    expect(spec(url)).toEqual({ config: sqlite(filename), readOnly: false, secrets: [] });
  });

  it.each([
    ['postgres://reader:pw@127.0.0.1:5432/test', 'pg', ['pw']],
    ['postgresql://reader@db/test?sslmode=require', 'pg', []],
    ['mysql://root:r%40t%3Apw@db:3306/shop', 'mysql2', ['r%40t%3Apw', 'r@t:pw']],
    ['mariadb://root:pw@db/shop', 'mysql2', ['pw']],
    ['postgres://reader@db/test?password=qp', 'pg', ['qp']],
  ])('%s goes to %s as a URL string', (url, client, secrets) => {
    expect(spec(url)).toEqual({ config: { client, connection: url }, readOnly: false, secrets });
  });

  it('rejects an empty URL and an unknown scheme with a sentence', () => {
    expect(connectionFromUrl('  ', META_DIR)).toBe('expected sqlite:PATH, a file path, postgres://…, mysql://… or trino://…, got nothing');
    expect(connectionFromUrl('sqlite:', META_DIR)).toBe('expected a file path after sqlite:, got "sqlite:"');
    expect(connectionFromUrl('redis://x', META_DIR)).toBe(
      'expected sqlite:PATH, a file path, postgres://…, mysql://… or trino://…, got "redis://x"',
    );
  });
});

describe('redact', () => {
  it('masks every secret, raw and URL-encoded, longest first', () => {
    expect(redact('password authentication failed: p@ss and p%40ss and p@ssword', ['p@ss', 'p@ssword'])).toBe(
      'password authentication failed: *** and *** and ***',
    );
    expect(redact('nothing to hide', [])).toBe('nothing to hide');
    expect(redact('empty secrets are ignored', [''])).toBe('empty secrets are ignored');
  });
});

describe('describeConnection', () => {
  it('shows where a connection goes and never a secret', () => {
    expect(describeConnection(spec('postgres://postgres:hunter2@127.0.0.1:5432/test'))).toBe(
      'postgres://postgres:***@127.0.0.1:5432/test',
    );
    expect(describeConnection(spec('mysql://root@db/shop'))).toBe('mysql://root@db/shop');
    expect(describeConnection(spec('postgres://u:pw@db/test?password=pw2'))).toBe('postgres://u:***@db/test?password=***');
    expect(describeConnection(spec('sqlite:shop.db'))).toBe(`sqlite:${META_DIR}/shop.db`);
    expect(describeConnection(FROM_METADATA)).toBe('postgres://reader:***@replica/shop');
    expect(
      describeConnection({
        config: { client: 'mysql2', connection: { host: 'db', port: 3306, user: 'app', database: 'shop' } },
        readOnly: false,
        secrets: [],
      }),
    ).toBe('mysql://app@db:3306/shop');
  });
});
