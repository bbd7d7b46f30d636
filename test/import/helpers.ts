/** Shared by the import and validate tests: a metadata file per test place, fixture tables, the CLI, and reading rows back. */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Knex } from 'knex';
import { stringify } from 'yaml';
import { openDatabase } from '../../src/db/open.js';
import { loadMetadata } from '../../src/metadata/index.js';
import type { Metadata } from '../../src/metadata/types.js';
import { normaliseValue } from '../../src/core/values.js';
import { resolveConnection } from '../../src/db/connection.js';
import { BIN, cliEnv, runCli, runCliProcess, type CliResult } from '../support/cli.js';
import type { EngineContext, PerEngine } from '../support/engines.js';

/**
 * Why `import` refuses an engine (SPEC §9: one that cannot keep the all-or-nothing
 * promise refuses rather than weaken it), or null where it writes. The write-path cases
 * are skipped where it refuses; that refusal is tested instead.
 */
export const IMPORT_REFUSAL: PerEngine<string | null> = {
  sqlite: null,
  postgres: null,
  mysql: null,
  trino: 'import does not write to Trino: no connector spellbook supports keeps a multi-row write all-or-nothing',
};

/** The built CLI (`npm run build`), run in-process (test/support/cli.ts). */
export function cli(args: readonly string[], cwd: string): Promise<CliResult> {
  return runCli(args, { cwd });
}

/** The built CLI as a child process: the end-to-end check that the binary does the same. */
export function cliProcess(args: readonly string[], cwd: string): Promise<CliResult> {
  return runCliProcess(args, { cwd });
}

/** The CLI as a child process to signal or kill. */
export function spawnCli(args: readonly string[], cwd: string): ChildProcess {
  return spawn(process.execPath, [BIN, ...args], { cwd, env: cliEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
}

export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'spellbook-import-'));
}

export function write(dir: string, name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

/** Groups covering every feature type, a created time, integer epochs and a composite key. */
export function testMetadata(ctx: EngineContext, extra: { readOnly?: boolean; groups?: unknown[] } = {}): Record<string, unknown> {
  return {
    version: 1,
    connection: { ...ctx.connection, ...(extra.readOnly ? { read_only: true } : {}) },
    entities: [
      { name: 'user', key: 'user_id', type: 'int' },
      { name: 'pair', key: ['a', 'b'], type: ['int', 'string'] },
    ],
    groups: [
      {
        name: 'account',
        entity: 'user',
        table: 'accounts',
        event_time: 'updated_at',
        created_time: 'loaded_at',
        features: [
          { name: 'balance', type: 'float' },
          { name: 'credit', type: 'int', column: 'credit_limit' },
          { name: 'active', type: 'bool' },
          { name: 'status', type: 'string' },
          { name: 'opened', type: 'date' },
          { name: 'seen_at', type: 'timestamp' },
        ],
      },
      { name: 'stats', entity: 'user', table: 'stats', event_time: 'computed_at', event_time_unit: 's', features: [{ name: 'n', type: 'int' }] },
      { name: 'profile', entity: 'pair', table: 'profiles', features: [{ name: 'score', type: 'float' }] },
      ...(extra.groups ?? []),
    ],
  };
}

export async function writeMetadata(dir: string, metadata: Record<string, unknown>): Promise<{ path: string; md: Metadata }> {
  const path = write(dir, 'metadata.yml', stringify(metadata));
  return { path, md: await loadMetadata(path, { env: {} }) };
}

/** The accounts table with each engine's native types: timestamp/timestamptz, DATETIME/TIMESTAMP, SQLite datetime text. */
export async function createAccounts(admin: Knex): Promise<void> {
  await admin.schema.createTable('accounts', (t) => {
    t.bigInteger('user_id').notNullable();
    t.datetime('updated_at', { precision: 3, useTz: false }).notNullable();
    t.timestamp('loaded_at', { precision: 3, useTz: true }).nullable();
    t.double('balance');
    t.bigInteger('credit_limit');
    t.boolean('active');
    t.string('status', 100);
    t.date('opened');
    t.timestamp('seen_at', { precision: 3, useTz: true }).nullable();
  });
}

export const ACCOUNT_HEADER = 'user_id,updated_at,loaded_at,balance,credit_limit,active,status,opened,seen_at';

/** Rows of a table read back through spellbook's own expressions: times as ISO instants via epochMs, values normalised by type. */
export async function readAccounts(md: Metadata): Promise<Record<string, unknown>[]> {
  const db = await openDatabase(resolveConnection(md, { env: {} }), { readOnly: true });
  try {
    const d = db.compiler;
    const q = d.quoteIdentifier;
    const rows = await db.driver.all({
      sql:
        `SELECT ${q('user_id')} AS ${q('user_id')}, ${d.epochMs(q('updated_at'))} AS ${q('updated_at')}, ${d.epochMs(q('loaded_at'))} AS ${q('loaded_at')},` +
        ` ${q('balance')}, ${q('credit_limit')}, ${q('active')}, ${q('status')}, ${q('opened')}, ${d.epochMs(q('seen_at'))} AS ${q('seen_at')}` +
        ` FROM ${q('accounts')} ORDER BY ${q('user_id')}, ${d.epochMs(q('updated_at'))}`,
      parameters: [],
    });
    const iso = (v: unknown) => (v === null ? null : new Date(Number(v)).toISOString());
    return rows.map((r) => ({
      user_id: normaliseValue(r['user_id'], 'int'),
      updated_at: iso(r['updated_at']),
      loaded_at: iso(r['loaded_at']),
      balance: normaliseValue(r['balance'], 'float'),
      credit_limit: normaliseValue(r['credit_limit'], 'int'),
      active: normaliseValue(r['active'], 'bool'),
      status: normaliseValue(r['status'], 'string'),
      opened: normaliseValue(r['opened'], 'date'),
      seen_at: iso(r['seen_at']),
    }));
  } finally {
    await db.close();
  }
}

export async function countRows(admin: Knex, table: string): Promise<number> {
  const [row] = await admin(table).count({ n: '*' });
  return Number((row as { n: unknown }).n);
}
