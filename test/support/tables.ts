/**
 * Creates and fills fixture tables with one vocabulary of column kinds on every engine,
 * so a behaviour test is written once and runs on SQLite, PostgreSQL and MariaDB.
 * Times are given as epoch ms and stored in each engine's natural naive form (naive =
 * UTC); tests of other storage forms say so explicitly.
 */
import type { Knex } from 'knex';
import type { EngineContext, StorageName } from './engines.js';

export type ColumnKind = 'int' | 'string' | 'float' | 'bool' | 'time' | 'timestamptz' | 'date' | 'text' | 'epoch_s' | 'epoch_ms';

const TYPES: Record<StorageName, Record<ColumnKind, string>> = {
  sqlite: { int: 'INTEGER', string: 'TEXT', float: 'REAL', bool: 'INTEGER', time: 'TEXT', timestamptz: 'TEXT', date: 'TEXT', text: 'TEXT', epoch_s: 'INTEGER', epoch_ms: 'INTEGER' },
  postgres: { int: 'BIGINT', string: 'TEXT', float: 'DOUBLE PRECISION', bool: 'BOOLEAN', time: 'TIMESTAMP(3)', timestamptz: 'TIMESTAMPTZ(3)', date: 'DATE', text: 'TEXT', epoch_s: 'BIGINT', epoch_ms: 'BIGINT' },
  // VARCHAR with the server's default collation: case-insensitive and PAD SPACE, on purpose.
  mysql: { int: 'BIGINT', string: 'VARCHAR(191)', float: 'DOUBLE', bool: 'BOOLEAN', time: 'DATETIME(3)', timestamptz: 'TIMESTAMP(3) NULL', date: 'DATE', text: 'TEXT', epoch_s: 'BIGINT', epoch_ms: 'BIGINT' },
};

/** `2024-01-05 10:00:00.000`: naive UTC text every engine stores as the same instant. */
export function naiveUtc(ms: number): string {
  return new Date(ms).toISOString().replace('T', ' ').replace('Z', '');
}

function storeValue(kind: ColumnKind, v: unknown): unknown {
  if (v === null || v === undefined) return null;
  switch (kind) {
    case 'time':
    case 'timestamptz':
      return typeof v === 'number' ? naiveUtc(v) : v;
    case 'epoch_s':
      return typeof v === 'number' ? Math.floor(v / 1000) : v;
    case 'epoch_ms':
      return v;
    case 'bool':
      return typeof v === 'boolean' ? (v ? 1 : 0) : v;
    default:
      return v;
  }
}

export async function createTable(
  ctx: EngineContext,
  name: string,
  columns: Record<string, ColumnKind>,
  rows: readonly Record<string, unknown>[],
  options: { index?: string[] } = {},
): Promise<void> {
  const admin: Knex = ctx.admin;
  await admin.schema.createTable(name, (t) => {
    for (const [col, kind] of Object.entries(columns)) t.specificType(col, TYPES[ctx.storage][kind]);
    if (options.index) t.index(options.index);
  });
  const stored = rows.map((r) => Object.fromEntries(Object.entries(columns).map(([c, kind]) => [c, storeValue(kind, r[c])])));
  const pg = ctx.storage === 'postgres';
  for (let i = 0; i < stored.length; i += 500) {
    const batch = stored.slice(i, i + 500);
    // Booleans go to PostgreSQL as booleans; elsewhere they are 0/1 already.
    await admin(name).insert(pg ? batch.map((r) => fixPgBools(r, columns)) : batch);
  }
}

function fixPgBools(row: Record<string, unknown>, columns: Record<string, ColumnKind>): Record<string, unknown> {
  const out = { ...row };
  for (const [c, kind] of Object.entries(columns)) if (kind === 'bool' && out[c] !== null) out[c] = out[c] === 1 || out[c] === true;
  return out;
}

/** A Date.UTC shorthand: `at('2024-01-05 10:00')`. */
export function at(text: string): number {
  const ms = Date.parse(text.replace(' ', 'T') + (text.length <= 10 ? 'T00:00:00Z' : 'Z'));
  if (Number.isNaN(ms)) throw new Error(`bad test time ${text}`);
  return ms;
}
