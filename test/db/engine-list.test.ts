/**
 * The engine names are written in three places — the JSON schema (for editors), the
 * metadata's client aliases and the engines open() knows — and must agree: a client the
 * schema offers must open, and every client that opens must be offered.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { engineOf } from '../../src/db/open.js';
import { connectionFromMetadata } from '../../src/metadata/connection.js';

const schema = JSON.parse(readFileSync(join(import.meta.dirname, '../../metadata.schema.json'), 'utf8')) as {
  properties: { connection: { anyOf: { properties?: { client?: { enum?: string[] } } }[] } };
};
const offered = schema.properties.connection.anyOf.flatMap((o) => o.properties?.client?.enum ?? []);

describe('engine names', () => {
  it('the schema offers these clients', () => {
    expect(offered).toEqual(['better-sqlite3', 'sqlite3', 'pg', 'postgres', 'postgresql', 'mysql2', 'mysql', 'trino']);
  });

  it('every client the schema offers opens the engine it names', () => {
    const engines = offered.map((client) => {
      const spec = connectionFromMetadata({ client, connection: { filename: ':memory:' } }, '/tmp');
      return typeof spec === 'string' ? spec : engineOf(spec);
    });
    expect(engines).toEqual(['sqlite', 'sqlite', 'postgres', 'postgres', 'postgres', 'mysql', 'mysql', 'trino']);
  });
});
