/** The typed model a good metadata file becomes: defaults applied, references resolved. */
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { SpellbookError } from '../../src/errors.js';
import { allFeatures, loadMetadata, resolveMetadataPath } from '../../src/metadata/index.js';
import { connectionFromSource, type ConnectionSpec } from '../../src/db/connection.js';
import type { Metadata } from '../../src/metadata/types.js';

/** The metadata's connection as the engines resolve it. */
function resolved(md: Metadata): ConnectionSpec {
  return connectionFromSource(md.connection!);
}

const GOOD = fileURLToPath(new URL('../fixtures/metadata/good/', import.meta.url));

async function failure(p: Promise<unknown>): Promise<SpellbookError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(SpellbookError);
  return err as SpellbookError;
}

async function tempDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'spellbook-md-'));
}

const MINIMAL = `version: 1
entities:
  - name: user
    key: user_id
groups:
  - name: account
    entity: user
    features:
      - name: balance
        type: float
`;

describe('loadMetadata', () => {
  it('builds windowed aggregates (SPEC §7): function, window in ms, and whether a count counts rows', async () => {
    const dir = await tempDir();
    await writeFile(
      join(dir, 'metadata.yml'),
      `version: 1
entities:
  - name: user
    key: user_id
groups:
  - name: txn
    entity: user
    table: transactions
    event_time: created_at
    features:
      - { name: txn_count_7d, type: int, aggregate: count, window: 7d }
      - { name: amount_count, type: int, column: amount, aggregate: count, window: 12h }
      - { name: amount_sum_30d, type: float, column: amount, aggregate: sum, window: 30d }
      - { name: last_amount, type: float, column: amount }
`,
    );
    const md = await loadMetadata(join(dir, 'metadata.yml'), { env: {} });
    expect(md.groups[0]!.features.map((f) => [f.name, f.column, f.aggregate])).toEqual([
      ['txn_count_7d', 'txn_count_7d', { fn: 'count', windowMs: 7 * 86_400_000, countsRows: true }],
      ['amount_count', 'amount', { fn: 'count', windowMs: 12 * 3_600_000, countsRows: false }],
      ['amount_sum_30d', 'amount', { fn: 'sum', windowMs: 30 * 86_400_000, countsRows: false }],
      ['last_amount', 'amount', undefined],
    ]);
  });

  it('applies the defaults of SPEC §1 to a minimal file', async () => {
    const md = await loadMetadata(join(GOOD, 'minimal.yml'), { env: {} });
    expect(md.file).toBe(join(GOOD, 'minimal.yml'));
    expect(md.dir).toBe(GOOD.replace(/\/$/, ''));
    expect(md.version).toBe(1);
    expect(md.connection).toBeUndefined();
    const user = md.entities[0]!;
    expect(user).toEqual({ name: 'user', keyColumns: ['user_id'], keyTypes: ['string'] });
    const account = md.groups[0]!;
    expect(account.entity).toBe(user);
    expect(account.source).toEqual({ kind: 'table', table: 'account' });
    expect(account.entityColumns).toEqual(['user_id']);
    expect(account.eventTime).toBeUndefined();
    expect(account.createdTime).toBeUndefined();
    expect(account.ttlMs).toBeUndefined();
    expect(account.features).toEqual([
      { name: 'balance', fullName: 'account.balance', groupName: 'account', type: 'float', column: 'balance' },
    ]);
  });

  it('builds every part of a full file', async () => {
    const md = await loadMetadata(join(GOOD, 'full.yml'), { env: {} });
    expect(md.entities.map((e) => [e.name, e.keyColumns, e.keyTypes])).toEqual([
      ['user', ['user_id'], ['int']],
      ['user_merchant', ['user_id', 'merchant_id'], ['int', 'string']],
      // One type for a composite key applies to every key column.
      ['device', ['vendor', 'serial'], ['int', 'int']],
    ]);
    const [account, spend, device] = md.groups;
    expect(account).toMatchObject({
      name: 'account',
      source: { kind: 'table', table: 'accounts' },
      eventTime: { column: 'updated_at' },
      createdTime: 'loaded_at',
      ttlMs: 30 * 86_400_000,
      description: 'Account state, one row per change',
    });
    expect(account!.eventTime!.unit).toBeUndefined();
    expect(account!.features[0]).toEqual({
      name: 'balance',
      fullName: 'account.balance',
      groupName: 'account',
      type: 'float',
      column: 'balance_eur',
      description: 'Current balance in EUR',
    });
    expect(spend!.entity.name).toBe('user_merchant');
    expect(spend!.entityColumns).toEqual(['customer_id', 'shop_id']);
    expect(spend!.eventTime).toEqual({ column: 'day', unit: 's' });
    // The trailing `;` goes: the query runs as a derived table.
    expect(spend!.source).toEqual({
      kind: 'query',
      sql: "SELECT customer_id, shop_id, day, SUM(amount) AS total\nFROM payments -- the note ';' is inside a comment\nGROUP BY 1, 2, 3",
    });
    expect(device!.entityColumns).toEqual(['vendor', 'serial']);
    expect(allFeatures(md).map((f) => f.fullName)).toEqual([
      'account.balance',
      'account.status',
      'spend.total',
      'device_info.model',
    ]);
  });

  it('keeps connection: as written, read_only lifted out; the engine then anchors the SQLite path at the file', async () => {
    const md = await loadMetadata(join(GOOD, 'full.yml'), { env: {} });
    expect(md.connection).toMatchObject({ readOnly: true, at: { file: join(GOOD, 'full.yml') } });
    expect(md.connection!.written).not.toHaveProperty('read_only');
    expect(resolved(md)).toEqual({
      config: {
        client: 'better-sqlite3',
        connection: { filename: join(GOOD, 'data', 'shop.db') },
        useNullAsDefault: true,
      },
      readOnly: true,
      secrets: [],
    });
  });

  it('reports a missing file with the flag and variable that choose it', async () => {
    const err = await failure(loadMetadata('no/such/metadata.yml'));
    expect(err.code).toBe('METADATA_NOT_FOUND');
    expect(err.exitCode).toBe(2);
    expect(err.message).toBe('metadata file not found: no/such/metadata.yml (set --metadata or SPELLBOOK_METADATA)');
  });

  it('reports a folder given as the metadata file', async () => {
    const dir = await tempDir();
    const err = await failure(loadMetadata(dir));
    expect(err.code).toBe('METADATA_NOT_FOUND');
  });

  it('names the file as the caller wrote it, not absolutized', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'metadata.yml'), 'version: 3\nentities: []\ngroups: []\n');
    const err = await failure(loadMetadata(join(dir, '.', 'metadata.yml').replace(dir, `${dir}/.`)));
    expect(err.message).toBe(`${dir}/./metadata.yml:1:10: version: expected 1, got 3`);
  });

  it('allows a null-free file with empty entity and group lists', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'm.yml'), 'version: 1\nentities: []\ngroups: []\n');
    const md = await loadMetadata(join(dir, 'm.yml'));
    expect(md.entities).toEqual([]);
    expect(md.groups).toEqual([]);
  });

  it('reads CRLF line endings and a byte-order mark', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'm.yml'), `\uFEFF${MINIMAL.replace(/\n/g, '\r\n')}`);
    const md = await loadMetadata(join(dir, 'm.yml'));
    expect(md.groups[0]!.features[0]!.fullName).toBe('account.balance');
  });

  it('expands anchors, aliases and << merge keys; explicit keys win over merged ones', async () => {
    const dir = await tempDir();
    const text = `version: 1
entities:
  - name: user
    key: user_id
groups:
  - &base
    name: account
    entity: user
    event_time: updated_at
    features: &money
      - name: balance
        type: float
  - <<: *base
    name: account_v2
    table: accounts_v2
    features: *money
`;
    await writeFile(join(dir, 'm.yml'), text);
    const md = await loadMetadata(join(dir, 'm.yml'));
    const v2 = md.groups[1]!;
    expect(v2.name).toBe('account_v2');
    expect(v2.source).toEqual({ kind: 'table', table: 'accounts_v2' });
    expect(v2.eventTime).toEqual({ column: 'updated_at' });
    expect(v2.features.map((f) => f.fullName)).toEqual(['account_v2.balance']);
  });

  it('reports a mapping that merges itself instead of recursing forever', async () => {
    const dir = await tempDir();
    const file = join(dir, 'm.yml');
    await writeFile(file, 'version: 1\nentities: &e\n  - name: user\n    key: id\n    more: {<<: *e}\ngroups: []\n');
    const err = await failure(loadMetadata(file));
    expect(err.message).toBe(`${file}:5:16: entities[0].more: expected a mapping (or a list of them) to merge after <<`);
  });

  it('reports an alias whose mapping contains it', async () => {
    const dir = await tempDir();
    const file = join(dir, 'm.yml');
    await writeFile(file, 'version: 1\nentities: []\ngroups: &g\n  - name: g\n    more: {<<: *g}\n');
    const err = await failure(loadMetadata(file));
    expect(err.message).toContain('expected a mapping (or a list of them) to merge after <<');
  });

  it('reports a mapping merged into itself through a list', async () => {
    const dir = await tempDir();
    const file = join(dir, 'm.yml');
    await writeFile(file, 'version: 1\nentities: []\ngroups:\n  - &g\n    name: g\n    more:\n      <<: *g\n');
    const err = await failure(loadMetadata(file));
    expect(err.code).toBe('METADATA_INVALID');
    expect(err.message).toContain('refers to a value that contains it');
  });

  it('does not interpolate ${NAME} outside connection:', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'm.yml'), MINIMAL.replace('key: user_id', 'key: ${KEY}'));
    const md = await loadMetadata(join(dir, 'm.yml'), { env: { KEY: 'x' } });
    expect(md.entities[0]!.keyColumns).toEqual(['${KEY}']);
  });
});

describe('${NAME} in connection:', () => {
  const PG = `version: 1
connection:
  client: postgres
  connection:
    host: \${DB_HOST}
    user: reader
    password: "\${DB_PASSWORD}"
    database: shop
entities: []
groups: []
`;

  it('takes values from the given environment and collects the password as a secret', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'metadata.yml'), PG);
    const md = await loadMetadata(join(dir, 'metadata.yml'), { env: { DB_HOST: 'db.internal', DB_PASSWORD: 's3cr3t' } });
    expect(resolved(md)).toEqual({
      config: {
        client: 'pg',
        connection: { host: 'db.internal', user: 'reader', password: 's3cr3t', database: 'shop' },
      },
      readOnly: false,
      secrets: ['s3cr3t'],
    });
  });

  it('reads a .env beside the metadata file; the process environment wins over it', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'metadata.yml'), PG);
    await writeFile(
      join(dir, '.env'),
      ['# credentials for the replica', 'export DB_HOST=from-dotenv', "DB_PASSWORD='p#ss word'", 'IGNORED LINE', ''].join('\n'),
    );
    const fromDotenv = await loadMetadata(join(dir, 'metadata.yml'), { env: {} });
    expect(resolved(fromDotenv).config.connection).toMatchObject({ host: 'from-dotenv', password: 'p#ss word' });
    const overridden = await loadMetadata(join(dir, 'metadata.yml'), { env: { DB_HOST: 'from-env', DB_PASSWORD: undefined } });
    expect(resolved(overridden).config.connection).toMatchObject({ host: 'from-env', password: 'p#ss word' });
  });

  it('keeps $${ as a literal ${', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'metadata.yml'), PG.replace('"${DB_PASSWORD}"', () => '"a$${b}c"'));
    const md = await loadMetadata(join(dir, 'metadata.yml'), { env: { DB_HOST: 'h' } });
    expect(resolved(md).config.connection).toMatchObject({ password: 'a${b}c' });
  });

  it('reports every unset variable at its value', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'metadata.yml'), PG);
    const err = await failure(loadMetadata(join(dir, 'metadata.yml'), { env: {} }));
    const file = join(dir, 'metadata.yml');
    expect(err.message).toBe(
      [
        `${file}:5:11: connection.connection.host: environment variable DB_HOST is not set`,
        `${file}:7:15: connection.connection.password: environment variable DB_PASSWORD is not set`,
      ].join('\n'),
    );
  });

  it('with ignoreConnection, loads without the variables and leaves the connection out', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'metadata.yml'), PG);
    const md = await loadMetadata(join(dir, 'metadata.yml'), { env: {}, ignoreConnection: true });
    expect(md.connection).toBeUndefined();
    // Its structure is still checked.
    await writeFile(join(dir, 'metadata.yml'), PG.replace('client: postgres', 'client: oracle'));
    const err = await failure(loadMetadata(join(dir, 'metadata.yml'), { env: {}, ignoreConnection: true }));
    expect(err.message).toBe(
      `${join(dir, 'metadata.yml')}:3:11: connection.client: expected one of better-sqlite3, sqlite3, pg, postgres, postgresql, mysql2, mysql, trino, got "oracle"`,
    );
  });

  it('interpolates a URL connection and resolves its relative SQLite path against the metadata folder', async () => {
    const dir = await tempDir();
    await mkdir(join(dir, 'meta'));
    await writeFile(join(dir, 'meta', 'metadata.yml'), 'version: 1\nconnection: sqlite:${DB_FILE}\nentities: []\ngroups: []\n');
    const md = await loadMetadata(join(dir, 'meta', 'metadata.yml'), { env: { DB_FILE: '../shop.db' } });
    expect(resolved(md).config).toEqual({
      client: 'better-sqlite3',
      connection: { filename: join(dir, 'shop.db') },
      useNullAsDefault: true,
    });
  });
});

describe('resolveMetadataPath', () => {
  it('prefers the flag, then SPELLBOOK_METADATA, then ./metadata.yml', () => {
    expect(resolveMetadataPath('a.yml', { SPELLBOOK_METADATA: 'b.yml' })).toBe('a.yml');
    expect(resolveMetadataPath(undefined, { SPELLBOOK_METADATA: 'b.yml' })).toBe('b.yml');
    expect(resolveMetadataPath(undefined, {})).toBe('./metadata.yml');
    expect(resolveMetadataPath(undefined, { SPELLBOOK_METADATA: '' })).toBe('./metadata.yml');
  });
});

describe('the schema file', () => {
  it('is draft-07 and forbids unknown keys everywhere but inside connection', async () => {
    const { readFile } = await import('node:fs/promises');
    const schema = JSON.parse(await readFile(resolve(GOOD, '../../../../metadata.schema.json'), 'utf8')) as Record<string, any>;
    expect(schema['$schema']).toBe('http://json-schema.org/draft-07/schema#');
    expect(schema['additionalProperties']).toBe(false);
    for (const def of ['entity', 'group', 'feature']) expect(schema['definitions'][def].additionalProperties).toBe(false);
  });

  it('is valid against the draft-07 meta-schema', async () => {
    const { readFile } = await import('node:fs/promises');
    const { default: AjvModule } = await import('ajv');
    const schema = JSON.parse(await readFile(resolve(GOOD, '../../../../metadata.schema.json'), 'utf8')) as object;
    const ajv = new AjvModule.default({ strict: true });
    ajv.addVocabulary(['x-expected', 'patternErrorMessage']);
    expect(ajv.validateSchema(schema)).toBe(true);
    expect(ajv.errors ?? null).toBeNull();
    // A schema that breaks the meta-schema is caught here: the check can fail.
    expect(ajv.validateSchema({ ...schema, type: 'mapping' })).toBe(false);
  });

  it('is what src/metadata/schema-validator.ts was compiled from (scripts/metadata-validator.js --check)', async () => {
    const { execFile } = await import('node:child_process');
    const { promisify } = await import('node:util');
    const script = resolve(GOOD, '../../../../scripts/metadata-validator.js');
    await expect(promisify(execFile)(process.execPath, [script, '--check'])).resolves.toMatchObject({ stderr: '' });
  });
});
