/**
 * The library (SPEC §6) as a user sees it: everything comes from the package's public
 * entry point, `spellbook-feature-store` (resolved through package.json `exports` to the built dist/),
 * never from src/. Fixtures use the shared test support only to make tables and files.
 */
import { expect, it } from 'vitest';
import {
  BadInputError,
  DatabaseError,
  MetadataError,
  openSpellbook,
  OptionError,
  ReadOnlyError,
  SpellbookError,
  UsageError,
  type Row,
  type Spellbook,
} from 'spellbook-feature-store';
import { describeEngines, type EngineContext } from '../support/engines.js';
import { at, createTable } from '../support/tables.js';
import { tempDir, writeFile, writeMetadata } from '../support/cli.js';
import { readParquet } from '../parquet/read-back.js';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const ACCOUNTS = [
  { user_id: 1, updated_at: at('2024-01-01 10:00'), balance: 10.5, status: 'open', vip: true, seen: at('2024-01-01 09:00'), opened: '2023-06-01' },
  { user_id: 1, updated_at: at('2024-01-05 00:00'), balance: 20, status: 'open', vip: false, seen: null, opened: '2023-06-01' },
  { user_id: 2, updated_at: at('2024-01-02 00:00'), balance: null, status: 'closed', vip: null, seen: at('2024-01-02 00:00'), opened: null },
];

async function setup(ctx: EngineContext, extra: Record<string, unknown> = {}): Promise<{ dir: string; metadata: string }> {
  await createTable(ctx, 'accounts', { user_id: 'int', updated_at: 'time', balance: 'float', status: 'string', vip: 'bool', seen: 'time', opened: 'date' }, ACCOUNTS);
  const dir = tempDir();
  const metadata = writeMetadata(dir, {
    version: 1,
    connection: { ...ctx.connection, ...extra },
    entities: [{ name: 'user', key: 'user_id', type: 'int' }],
    groups: [
      {
        name: 'account',
        entity: 'user',
        table: 'accounts',
        event_time: 'updated_at',
        features: [
          { name: 'balance', type: 'float' },
          { name: 'status', type: 'string' },
          { name: 'vip', type: 'bool' },
          { name: 'seen', type: 'timestamp' },
          { name: 'opened', type: 'date' },
        ],
      },
    ],
  });
  return { dir, metadata };
}

async function collect<R extends Row>(rows: AsyncIterable<R>): Promise<R[]> {
  const out: R[] = [];
  for await (const row of rows) out.push(row);
  return out;
}

async function withBook<T>(metadata: string, body: (book: Spellbook) => Promise<T>): Promise<T> {
  const book = await openSpellbook({ metadata });
  try {
    return await body(book);
  } finally {
    await book.close();
  }
}

describeEngines('library API', (ctx) => {
  it('export streams typed rows: numbers, strings, booleans, Date, date text, null', async () => {
    const { metadata } = await setup(ctx());
    await withBook(metadata, async (book) => {
      interface AccountRow extends Row {
        user_id: number;
        balance: number | null;
      }
      const stream = book.export<AccountRow>({ features: ['account.*'], snapshot: '2024-01-03' });
      expect(stream.columns).toEqual(['user_id', 'balance', 'status', 'vip', 'seen', 'opened']);
      expect(await collect(stream)).toEqual([
        { user_id: 1, balance: 10.5, status: 'open', vip: true, seen: new Date('2024-01-01T09:00:00Z'), opened: '2023-06-01' },
        { user_id: 2, balance: null, status: 'closed', vip: null, seen: new Date('2024-01-02T00:00:00Z'), opened: null },
      ]);
      // The same instant as a Date and as epoch ms; keys as plain numbers; a ttl as text.
      const later = await collect(book.export({ features: ['account.balance'], snapshot: new Date('2024-01-06T00:00:00Z'), keys: [1] }));
      expect(later).toEqual([{ user_id: 1, balance: 20 }]);
      const ttl = await collect(book.export({ features: ['account.balance'], snapshot: Date.parse('2024-01-06T00:00:00Z'), ttl: { account: '2d' } }));
      expect(ttl).toEqual([{ user_id: 1, balance: 20 }]);
    });
  });

  it('join streams one row per label: label columns as strings, then typed features', async () => {
    const { dir, metadata } = await setup(ctx());
    const labels = writeFile(dir, 'labels.csv', 'id,user_id,event_timestamp\nL1,1,2023-12-31\nL2,1,2024-01-01 10:00:00\nL3,2,2024-02-01\n');
    await withBook(metadata, async (book) => {
      const stream = book.join({ features: ['account.balance', 'account.vip'], inputFile: labels, strategy: 'merge' });
      const rows = await collect(stream);
      expect(stream.columns).toEqual(['id', 'user_id', 'event_timestamp', 'balance', 'vip']);
      expect(rows).toEqual([
        { id: 'L1', user_id: '1', event_timestamp: '2023-12-31', balance: null, vip: null },
        { id: 'L2', user_id: '1', event_timestamp: '2024-01-01 10:00:00', balance: 10.5, vip: true },
        { id: 'L3', user_id: '2', event_timestamp: '2024-02-01', balance: null, vip: null },
      ]);
    });
  });

  it('export and join write CSV, JSON Lines and typed Parquet files, atomically', async () => {
    const { dir, metadata } = await setup(ctx());
    const labels = writeFile(dir, 'labels.csv', 'id,user_id,event_timestamp\nL1,1,2023-12-31\nL2,2,2024-02-01\n');
    await withBook(metadata, async (book) => {
      const options = { features: ['account.balance', 'account.seen'], snapshot: '2024-01-03' };
      expect(await book.export(options).toFile(join(dir, 'out.csv'))).toBe(2);
      expect(readFileSync(join(dir, 'out.csv'), 'utf8')).toBe('user_id,balance,seen\n1,10.5,2024-01-01T09:00:00.000Z\n2,,2024-01-02T00:00:00.000Z\n');
      // The format from the extension, or given whatever the name.
      expect(await book.export(options).toFile(join(dir, 'out.jsonl'))).toBe(2);
      expect(readFileSync(join(dir, 'out.jsonl'), 'utf8')).toBe(
        '{"user_id":1,"balance":10.5,"seen":"2024-01-01T09:00:00.000Z"}\n{"user_id":2,"balance":null,"seen":"2024-01-02T00:00:00.000Z"}\n',
      );
      expect(await book.export(options).toFile(join(dir, 'snapshot.data'), { format: 'parquet' })).toBe(2);
      const parquet = await readParquet(join(dir, 'snapshot.data'));
      expect([parquet.columns, parquet.types]).toEqual([['user_id', 'balance', 'seen'], ['BIGINT', 'DOUBLE', 'TIMESTAMP WITH TIME ZONE']]);
      expect(parquet.rows).toEqual([['1', '10.5', '2024-01-01T09:00:00.000Z'], ['2', '', '2024-01-02T00:00:00.000Z']]);

      expect(await book.join({ features: ['account.balance'], inputFile: labels, strategy: 'merge' }).toFile(join(dir, 'train.csv'))).toBe(2);
      expect(readFileSync(join(dir, 'train.csv'), 'utf8')).toBe('id,user_id,event_timestamp,balance\nL1,1,2023-12-31,\nL2,2,2024-02-01,\n');

      // A failure leaves no file and no temporary file behind.
      const bad = writeFile(dir, 'bad.csv', 'user_id,event_timestamp\n1,2024-13-01\n');
      const err = await book.join({ features: ['account.balance'], inputFile: bad }).toFile(join(dir, 'never.csv')).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(BadInputError);
      expect(existsSync(join(dir, 'never.csv'))).toBe(false);
      expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    });
  });

  it('metadata, validate and import are typed calls', async () => {
    const { dir, metadata } = await setup(ctx());
    await withBook(metadata, async (book) => {
      expect(book.metadata.groups.map((g) => g.name)).toEqual(['account']);
      expect(book.listMetadata({ kind: 'feature' })).toBeTruthy();
      const report = await book.validate();
      expect(report.findings).toBe(0);
      const file = writeFile(dir, 'more.csv', 'user_id,updated_at,balance,status,vip,seen,opened\n3,2024-01-04 00:00:00,5,open,true,,2024-01-04\n');
      if (ctx().engine === 'trino') {
        // SPEC §9: an engine that cannot keep import's all-or-nothing promise refuses it.
        await expect(book.import({ group: 'account', inputFile: file })).rejects.toThrow(
          'import does not write to Trino: no connector spellbook supports keeps a multi-row write all-or-nothing',
        );
        expect(await collect(book.export({ features: ['account.balance'], snapshot: '2024-01-04', keys: [3] }))).toEqual([]);
      } else {
        const result = await book.import({ group: 'account', inputFile: file });
        expect([result.rows, result.table, result.dryRun]).toEqual([1, 'accounts', false]);
        expect(await collect(book.export({ features: ['account.balance'], snapshot: '2024-01-04', keys: [3] }))).toEqual([{ user_id: 3, balance: 5 }]);
      }
    });
  });

  it('errors are typed classes with the code, exit code and message the CLI prints', async () => {
    const { dir, metadata } = await setup(ctx());
    await withBook(metadata, async (book) => {
      const unknown = (() => {
        try {
          book.export({ features: ['account.nope'] });
        } catch (err) {
          return err;
        }
      })();
      expect(unknown).toBeInstanceOf(UsageError);
      expect(unknown).toBeInstanceOf(SpellbookError);
      expect(unknown).toMatchObject({ code: 'NOT_FOUND', exitCode: 2, name: 'UsageError' });

      expect(() => book.export({ features: ['account.balance'], snapshot: 'yesterday' })).toThrow(UsageError);

      // A wrong option is named as the library spells it, and carried as data.
      const thrown = (f: () => unknown): unknown => {
        try {
          f();
        } catch (err) {
          return err;
        }
      };
      const cases: [() => unknown, string, string][] = [
        [() => book.export({ features: ['account.balance'], limit: -1 }), 'limit', 'limit must be a whole number, got -1'],
        [() => book.export({ features: ['account.balance'], ttl: { acount: '7d' } }), 'ttl', 'ttl names unknown group "acount" (did you mean "account"?)'],
        [() => book.export({ features: ['account.balance'], keys: ['x'] }), 'keys', 'keys x: "x" is not a valid int for user_id'],
        [() => book.export({ features: [] }), 'features', 'no features requested: pass features'],
        [
          () => book.export({ features: ['account.balance'], snapshot: 'yesterday' }),
          'snapshot',
          'snapshot: "yesterday" is not a timestamp (expected ISO 8601 like 2024-03-01 or 2024-03-01T12:00:00Z)',
        ],
      ];
      for (const [call, option, message] of cases) {
        const err = thrown(call);
        expect(err).toBeInstanceOf(OptionError);
        expect(err).toBeInstanceOf(UsageError);
        expect(err).toMatchObject({ option, message, name: 'UsageError' });
      }
      const columns = await collect(book.join({ features: ['account.balance'], inputFile: writeFile(dir, 'l.csv', 'user_id,event_timestamp\n1,2024-01-01\n'), entityColumns: { usr: 'user_id' } })).catch((e: unknown) => e);
      expect(columns).toMatchObject({ option: 'entityColumns', message: 'entityColumns names unknown entity "usr" (did you mean "user"?)' });

      const labels = writeFile(dir, 'bad.csv', 'user_id,event_timestamp\n1,2024-01-01\n1,2024-13-01\n');
      const bad = await collect(book.join({ features: ['account.balance'], inputFile: labels })).catch((err: unknown) => err);
      expect(bad).toBeInstanceOf(BadInputError);
      expect(bad).toMatchObject({ code: 'BAD_INPUT', exitCode: 2 });
      expect((bad as Error).message).toMatch(/bad\.csv:3: event_timestamp: "2024-13-01" is not a timestamp/);
    });

    const missing = await openSpellbook({ metadata: `${dir}/nowhere.yml` }).catch((err: unknown) => err);
    expect(missing).toBeInstanceOf(MetadataError);
    expect(missing).toMatchObject({ code: 'METADATA_NOT_FOUND', exitCode: 2 });

    const broken = writeFile(dir, 'broken.yml', 'version: 1\nentities: []\ngroups:\n  - name: g\n    entity: nobody\n    features: []\n');
    const invalid = await openSpellbook({ metadata: broken }).catch((err: unknown) => err);
    expect(invalid).toBeInstanceOf(MetadataError);
    expect((invalid as MetadataError).code).toBe('METADATA_INVALID');
  });

  it('database failures are DatabaseError; writes to a read_only connection are ReadOnlyError', async () => {
    const c = ctx();
    const { dir, metadata } = await setup(c, { read_only: true });
    await c.admin.schema.dropTable('accounts');
    await withBook(metadata, async (book) => {
      const gone = await collect(book.export({ features: ['account.balance'] })).catch((err: unknown) => err);
      expect(gone).toBeInstanceOf(DatabaseError);
      expect(gone).toMatchObject({ code: 'DATABASE', exitCode: 1 });
      const file = writeFile(dir, 'rows.csv', 'user_id,updated_at,balance,status,vip,seen,opened\n');
      const refused = await book.import({ group: 'account', inputFile: file }).catch((err: unknown) => err);
      expect(refused).toBeInstanceOf(ReadOnlyError);
      expect(refused).toMatchObject({ code: 'READ_ONLY', exitCode: 2 });
    });
  });
});
