/**
 * The engine fixture: runs a block of behaviour tests once per engine, each test in a
 * fresh place of its own (a SQLite file, a PostgreSQL schema, a MariaDB database).
 *
 * Servers default to the local CI services; override with SPELLBOOK_TEST_POSTGRES
 * (postgres://user[:pass]@host:port/db) and SPELLBOOK_TEST_MYSQL (mysql://user[:pass]@host:port).
 * An unreachable server skips its engine with one line on stderr, except when
 * CI=true, where its tests fail with the reason.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import knexFactory, { type Knex } from 'knex';
import mysql from 'mysql2/promise';
import pg from 'pg';
import { Trino } from 'trino-client';
import { afterAll, afterEach, beforeAll, beforeEach, describe } from 'vitest';
import { ENGINES, type EngineName } from '../../src/db/registry.js';

export type { EngineName };
/** The engines whose servers hold fixture tables; Trino reads them from PostgreSQL. */
export type StorageName = Exclude<EngineName, 'trino'>;

export interface EngineContext {
  engine: EngineName;
  /**
   * Where the fixture tables live and what `admin` speaks: the engine itself, except for
   * Trino, whose places are PostgreSQL schemas read through the cluster's `postgresql`
   * catalog (cheap to create, and written with the same Knex code as every other engine).
   */
  storage: StorageName;
  /** Knex config (plain JSON-able object) that reaches this test's own schema/database; what a test writes into a metadata file's `connection:` */
  connection: Record<string, unknown>;
  /** A --db URL for the same place (sqlite:/abs/file.db, postgres://…?options=-c search_path=…, mysql://…/dbname). */
  url: string;
  /** A WRITABLE knex on the test's schema/database, to create and fill fixture tables. */
  admin: Knex;
}

/**
 * Every engine of the registry, in its order: a suite runs on each unless it names its
 * engines. An engine added to the registry runs here once `createPlace` knows where its
 * test places live (the `PLACES` table below fails to type-check until it does).
 */
export const ALL_ENGINES: readonly EngineName[] = ENGINES.map((plugin) => plugin.name);

/** Per-engine expectations in a suite; an engine may be missing until the suite runs on it. */
export type PerEngine<T> = { readonly [E in EngineName]?: T };

/**
 * An engine's entry in a suite's table. A missing entry fails the test loudly, so a suite
 * moved onto a new engine cannot pass by comparing against `undefined`.
 */
export function perEngine<T>(engine: EngineName, table: PerEngine<T>): T {
  const value = table[engine];
  if (value === undefined) throw new Error(`[engines] this suite has no entry for ${engine}`);
  return value;
}

/**
 * How many cases a property suite runs on an engine: a quarter on Trino, where each case
 * is a dozen cluster round trips of a few hundred ms and npm test must stay within 15
 * minutes. Its SQL has the same shape as PostgreSQL's, which runs them all;
 * SPELLBOOK_PROPERTY_RUNS scales both.
 */
export function propertyRuns(engine: EngineName, runs: number): number {
  return engine === 'trino' ? Math.max(5, Math.ceil(runs / 4)) : runs;
}

/** The test cluster of `npm run trino:start`; SPELLBOOK_TEST_TRINO points elsewhere. */
export const TRINO_SERVER = process.env.SPELLBOOK_TEST_TRINO ?? 'http://127.0.0.1:8080';
/** The cluster's SELECT-only user (scripts/trino/cluster.sh): every Trino test reads as it. */
export const TRINO_READER = 'spellbook_reader';
/** Any other user may do anything on the test cluster: the tests' administrator. */
const TRINO_ADMIN = 'spellbook_test_admin';

/**
 * The rows of a statement run on the test cluster as its administrator, not through
 * spellbook: what a test reads of the cluster's own state (system.runtime.queries).
 */
export async function trinoRows(sql: string): Promise<unknown[][]> {
  const client = Trino.create({ server: TRINO_SERVER, source: 'spellbook-tests', extraHeaders: { 'X-Trino-User': TRINO_ADMIN } });
  const rows: unknown[][] = [];
  for await (const page of await client.query({ query: sql, user: TRINO_ADMIN })) {
    if (page.error) throw new Error(`${page.error.errorName}: ${page.error.message}`);
    rows.push(...(page.data ?? []));
  }
  return rows;
}

/** Kills a query on the test cluster as its administrator would (the web UI's kill), with a message. */
export async function killTrinoQuery(queryId: string, message: string): Promise<void> {
  const response = await fetch(`${TRINO_SERVER}/v1/query/${encodeURIComponent(queryId)}/killed`, {
    method: 'PUT',
    headers: { 'X-Trino-User': TRINO_ADMIN, 'content-type': 'application/json' },
    body: JSON.stringify(message),
  });
  if (!response.ok) throw new Error(`killing ${queryId}: HTTP ${response.status} ${await response.text()}`);
}

const PG_URL = new URL(process.env.SPELLBOOK_TEST_POSTGRES ?? 'postgres://postgres@127.0.0.1:5432/test');
const MYSQL_URL = new URL(process.env.SPELLBOOK_TEST_MYSQL ?? 'mysql://root@127.0.0.1:3306');
const CONNECT_TIMEOUT_MS = 2000;

function server(url: URL, defaultPort: number) {
  return {
    host: url.hostname,
    port: url.port === '' ? defaultPort : Number(url.port),
    user: decodeURIComponent(url.username),
    password: decodeURIComponent(url.password),
  };
}
const PG = { ...server(PG_URL, 5432), database: decodeURIComponent(PG_URL.pathname.slice(1)) || 'test' };
const MYSQL = server(MYSQL_URL, 3306);

/** The `user[:password]` of a --db URL, percent-encoded. */
function urlAuth({ user, password }: { user: string; password: string }): string {
  return password ? `${encodeURIComponent(user)}:${encodeURIComponent(password)}` : encodeURIComponent(user);
}

/** Why an engine cannot run here, or undefined; probed once per test file. */
const probes = new Map<EngineName, Promise<string | undefined>>();
const reported = new Set<EngineName>();

/** Per-engine, per-file state: one server connection for CREATE/DROP of test places. */
interface FileState {
  root?: Knex;
  tmpDir?: string;
}

interface Place {
  ctx: EngineContext;
  drop(): Promise<void>;
}

/** How the fixture reaches one engine's test server. */
interface TestServer {
  /** Why the engine cannot run here (server down, still starting), or undefined. */
  probe(): Promise<string | undefined>;
  /** A fresh place of the test's own, named `name`, with a writable admin on it. */
  place(name: string, state: FileState): Promise<Place>;
}

function why(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).split('\n')[0] || 'unreachable';
}

function rootKnex(storage: 'postgres' | 'mysql', state: FileState): Knex {
  state.root ??=
    storage === 'postgres'
      ? knexFactory({ client: 'pg', connection: { ...PG }, pool: { min: 0, max: 1 } })
      : knexFactory({ client: 'mysql2', connection: { ...MYSQL }, pool: { min: 0, max: 1 } });
  return state.root;
}

function uniqueName(): string {
  return `sb_${randomBytes(6).toString('hex')}`;
}

/**
 * Admin sessions write in UTC too, so fixture literals such as '2024-03-01 12:00:00'
 * for a timestamptz or a MariaDB TIMESTAMP mean the same instant on every machine.
 */
function inUtc(sql: string) {
  return (conn: { query(sql: string, cb: (err: Error | null) => void): void }, done: (err: Error | null, conn: unknown) => void) =>
    conn.query(sql, (err) => done(err, conn));
}

/**
 * A PostgreSQL schema of the test's own: the connection config whose unqualified names
 * resolve in it, and a writable admin on that config.
 */
async function postgresSchema(name: string, state: FileState): Promise<{ connection: EngineContext['connection']; admin: Knex; drop(): Promise<void> }> {
  const root = rootKnex('postgres', state);
  await root.raw(`CREATE SCHEMA "${name}"`);
  const connection = { client: 'pg', connection: { ...PG, options: `-c search_path=${name}` } };
  const admin = knexFactory({ ...connection, pool: { min: 0, max: 4, afterCreate: inUtc("SET TIME ZONE 'UTC'") } });
  return {
    connection,
    admin,
    drop: async () => {
      await admin.destroy();
      await root.raw(`DROP SCHEMA IF EXISTS "${name}" CASCADE`);
    },
  };
}

/**
 * One entry per engine of the registry: typed over EngineName, so an engine added there
 * fails to compile here until its tests have a server to run on.
 */
const SERVERS: { readonly [E in EngineName]: TestServer } = {
  sqlite: {
    probe: async () => undefined,
    async place(name, state) {
      state.tmpDir ??= mkdtempSync(join(tmpdir(), 'spellbook-test-'));
      const filename = join(state.tmpDir, `${name}.db`);
      // An empty file is a valid empty database; read-only opens need it to exist.
      writeFileSync(filename, '');
      const connection = { client: 'better-sqlite3', connection: { filename } };
      const admin = knexFactory({ ...connection, useNullAsDefault: true, pool: { min: 0, max: 1 } });
      return {
        ctx: { engine: 'sqlite', storage: 'sqlite', connection, url: `sqlite:${filename}`, admin },
        drop: async () => {
          await admin.destroy();
          for (const suffix of ['', '-wal', '-shm', '-journal']) rmSync(filename + suffix, { force: true });
        },
      };
    },
  },
  postgres: {
    async probe() {
      try {
        const client = new pg.Client({ ...PG, connectionTimeoutMillis: CONNECT_TIMEOUT_MS });
        client.on('error', () => undefined);
        await client.connect();
        await client.end();
        return undefined;
      } catch (err) {
        return why(err);
      }
    },
    async place(name, state) {
      const { connection, admin, drop } = await postgresSchema(name, state);
      // pg-connection-string hands `options` to the server as startup options, so the
      // read-only runtime opened from this URL resolves unqualified names in the schema.
      const url =
        `postgres://${urlAuth(PG)}@${PG.host}:${PG.port}/${encodeURIComponent(PG.database)}` +
        `?options=${encodeURIComponent(`-c search_path=${name}`)}`;
      return { ctx: { engine: 'postgres', storage: 'postgres', connection, url, admin }, drop };
    },
  },
  mysql: {
    async probe() {
      try {
        const conn = await mysql.createConnection({ ...MYSQL, connectTimeout: CONNECT_TIMEOUT_MS });
        await conn.end();
        return undefined;
      } catch (err) {
        return why(err);
      }
    },
    async place(name, state) {
      const root = rootKnex('mysql', state);
      // utf8mb4 so emoji keys fit; its default collation is case-insensitive, which is
      // what keyOrder has to see through.
      await root.raw(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4`);
      const connection = { client: 'mysql2', connection: { ...MYSQL, database: name } };
      const url = `mysql://${urlAuth(MYSQL)}@${MYSQL.host}:${MYSQL.port}/${name}`;
      const admin = knexFactory({ ...connection, pool: { min: 0, max: 4, afterCreate: inUtc(`SET time_zone = '+00:00'`) } });
      return {
        ctx: { engine: 'mysql', storage: 'mysql', connection, url, admin },
        drop: async () => {
          await admin.destroy();
          await root.raw(`DROP DATABASE IF EXISTS \`${name}\``);
        },
      };
    },
  },
  trino: {
    async probe() {
      const postgres = await probe('postgres');
      if (postgres !== undefined) return `its tables live in PostgreSQL: ${postgres}`;
      try {
        const response = await fetch(`${TRINO_SERVER}/v1/info`, { signal: AbortSignal.timeout(CONNECT_TIMEOUT_MS) });
        const info = (await response.json()) as { starting?: boolean };
        return info.starting === false ? undefined : `the cluster at ${TRINO_SERVER} is still starting`;
      } catch (err) {
        const cause = (err as { cause?: { code?: string } }).cause?.code;
        return `no cluster at ${TRINO_SERVER} (${cause ?? why(err)}); run npm run trino:start`;
      }
    },
    async place(name, state) {
      const { admin, drop } = await postgresSchema(name, state);
      const connection = { client: 'trino', connection: { server: TRINO_SERVER, user: TRINO_READER, catalog: 'postgresql', schema: name } };
      const url = `trino://${TRINO_READER}@${new URL(TRINO_SERVER).host}/postgresql/${name}`;
      return { ctx: { engine: 'trino', storage: 'postgres', connection, url, admin }, drop };
    },
  },
};

function probe(engine: EngineName): Promise<string | undefined> {
  let p = probes.get(engine);
  if (!p) probes.set(engine, (p = SERVERS[engine].probe()));
  return p;
}

function createPlace(engine: EngineName, state: FileState): Promise<Place> {
  return SERVERS[engine].place(uniqueName(), state);
}

export function describeEngines(
  title: string,
  body: (ctx: () => EngineContext, engine: EngineName) => void,
  options?: { engines?: EngineName[] },
): void {
  for (const engine of options?.engines ?? ALL_ENGINES) {
    describe(`${title} [${engine}]`, () => {
      const state: FileState = {};
      let unavailable: string | undefined;
      let place: Place | undefined;

      beforeAll(async () => {
        unavailable = await probe(engine);
        if (unavailable !== undefined && process.env.CI !== 'true' && !reported.has(engine)) {
          reported.add(engine);
          console.warn(`[engines] skipping ${engine}: ${unavailable}`);
        }
      });

      beforeEach(async (test) => {
        if (unavailable !== undefined) {
          if (process.env.CI === 'true') throw new Error(`[engines] ${engine} unavailable in CI: ${unavailable}`);
          test.skip();
          return;
        }
        place = await createPlace(engine, state);
      });

      afterEach(async () => {
        const p = place;
        place = undefined;
        await p?.drop();
      });

      afterAll(async () => {
        await state.root?.destroy();
        state.root = undefined;
        if (state.tmpDir) rmSync(state.tmpDir, { recursive: true, force: true });
      });

      // The engine is also passed as a plain value, known when tests are collected, so a
      // case that does not apply to an engine is declared with it.skipIf and reported as skipped.
      body(() => {
        if (!place) throw new Error(`[engines] no ${engine} context outside a running test`);
        return place.ctx;
      }, engine);
    });
  }
}

/**
 * The joins each property suite runs per case: both strategies, and the merge also over 3
 * key-hash partitions, so most cases have labels in several partitions and some
 * partitions with no labels or no rows.
 */
export const JOIN_RUNS = [
  { strategy: 'merge', partitions: undefined, name: 'merge' },
  { strategy: 'merge', partitions: 3, name: 'merge in 3 partitions' },
  { strategy: 'database', partitions: undefined, name: 'database' },
] as const;
