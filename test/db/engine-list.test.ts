/**
 * The engines are listed once, in src/db/registry.ts. The JSON schema (for editors) and
 * the metadata's connection forms must agree with it: a client or URL scheme the
 * registry knows must be offered and open its engine, and nothing else may be offered.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { engineOf } from '../../src/db/open.js';
import { CLIENT_NAMES, ENGINES } from '../../src/db/registry.js';
import { connectionFromMetadata, connectionFromUrl } from '../../src/db/connection.js';

const schema = JSON.parse(readFileSync(join(import.meta.dirname, '../../metadata.schema.json'), 'utf8')) as {
  properties: { connection: { anyOf: { properties?: { client?: { enum?: string[] } } }[] } };
};
const offered = schema.properties.connection.anyOf.flatMap((o) => o.properties?.client?.enum ?? []);

describe('engine names', () => {
  it('the registry holds these engines and clients', () => {
    expect(ENGINES.map((plugin) => plugin.name)).toEqual(['sqlite', 'postgres', 'mysql', 'trino']);
    expect(CLIENT_NAMES).toEqual(['better-sqlite3', 'sqlite3', 'pg', 'postgres', 'postgresql', 'mysql2', 'mysql', 'trino']);
  });

  it('the schema offers exactly the clients of the registry, in its order', () => {
    expect(offered).toEqual(CLIENT_NAMES);
  });

  it('every client of an engine opens that engine', () => {
    const engines = ENGINES.flatMap((plugin) =>
      plugin.clients.map((client) => {
        const spec = connectionFromMetadata({ client, connection: { filename: ':memory:' } }, '/tmp');
        return [client, typeof spec === 'string' ? spec : engineOf(spec)];
      }),
    );
    expect(engines).toEqual(ENGINES.flatMap((plugin) => plugin.clients.map((client) => [client, plugin.name])));
  });

  it('every URL scheme of an engine opens that engine', () => {
    const engines = ENGINES.flatMap((plugin) =>
      plugin.schemes.map((scheme) => {
        const spec = connectionFromUrl(scheme === 'file' ? 'file:///tmp/x.db' : `${scheme}://u@h/x`, '/tmp');
        return [scheme, typeof spec === 'string' ? spec : engineOf(spec)];
      }),
    );
    expect(engines).toEqual(ENGINES.flatMap((plugin) => plugin.schemes.map((scheme) => [scheme, plugin.name])));
  });
});
