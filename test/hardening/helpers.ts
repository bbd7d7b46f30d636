/** A small world for the hardening tests, and SELECT-only database users made for one test. */
import { randomBytes } from 'node:crypto';
import type { EngineContext } from '../support/engines.js';
import { at, createTable } from '../support/tables.js';

export const LABELS = 'user_id,event_timestamp\n1,2024-01-03\n2,2024-01-03\n1,2023-12-31\n';

export async function accounts(ctx: EngineContext): Promise<void> {
  await createTable(ctx, 'accounts', { user_id: 'int', updated_at: 'time', balance: 'float', status: 'string' }, [
    { user_id: 1, updated_at: at('2024-01-01 10:00'), balance: 10.5, status: 'open' },
    { user_id: 2, updated_at: at('2024-01-02'), balance: 3, status: 'closed' },
  ]);
}

export function metadataFor(connection: unknown, source: { table?: string; query?: string } = { table: 'accounts' }): Record<string, unknown> {
  return {
    version: 1,
    ...(connection === undefined ? {} : { connection }),
    entities: [{ name: 'user', key: 'user_id', type: 'int' }],
    groups: [
      {
        name: 'account',
        entity: 'user',
        ...source,
        event_time: 'updated_at',
        features: [
          { name: 'balance', type: 'float' },
          { name: 'status', type: 'string' },
        ],
      },
    ],
  };
}

/** The test's own PostgreSQL schema or MariaDB database, read from its connection. */
export function placeName(ctx: EngineContext): string {
  const inner = ctx.connection['connection'] as Record<string, unknown>;
  if (ctx.engine === 'postgres') return String(inner['options']).replace('-c search_path=', '');
  return String(inner['database']);
}

export interface ReadOnlyUser {
  /** A --db URL logging in as the user, into the test's schema/database. */
  url: string;
  password: string;
  drop(): Promise<void>;
}

/**
 * A user holding SELECT on the test's tables and nothing else (PostgreSQL role, MariaDB
 * user), with a password that must never be printed. Call after creating the tables.
 */
export async function selectOnlyUser(ctx: EngineContext): Promise<ReadOnlyUser> {
  const name = `sb_ro_${randomBytes(5).toString('hex')}`;
  const password = `pw_${randomBytes(8).toString('hex')}`;
  const place = placeName(ctx);
  const base = new URL(ctx.url);
  if (ctx.engine === 'postgres') {
    await ctx.admin.raw(`CREATE ROLE "${name}" LOGIN PASSWORD '${password}'`);
    await ctx.admin.raw(`GRANT USAGE ON SCHEMA "${place}" TO "${name}"`);
    await ctx.admin.raw(`GRANT SELECT ON ALL TABLES IN SCHEMA "${place}" TO "${name}"`);
    base.username = name;
    base.password = password;
    return {
      url: base.toString(),
      password,
      drop: async () => {
        await ctx.admin.raw(`DROP OWNED BY "${name}"`);
        await ctx.admin.raw(`DROP ROLE "${name}"`);
      },
    };
  }
  await ctx.admin.raw(`CREATE USER '${name}'@'%' IDENTIFIED BY '${password}'`);
  await ctx.admin.raw(`GRANT SELECT ON \`${place}\`.* TO '${name}'@'%'`);
  base.username = name;
  base.password = password;
  return { url: base.toString(), password, drop: async () => void (await ctx.admin.raw(`DROP USER '${name}'@'%'`)) };
}
