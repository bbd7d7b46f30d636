/** `import` on every engine: good files read back exactly, every bad value refused with nothing written, the table flags. */
import { expect, it } from 'vitest';
import { importFile } from '../../src/import/index.js';
import { resolveConnection } from '../../src/db/connection.js';
import type { Metadata } from '../../src/metadata/types.js';
import { describeEngines, perEngine } from '../support/engines.js';
import { ACCOUNT_HEADER, IMPORT_REFUSAL, cli, cliProcess, countRows, createAccounts, readAccounts, tempDir, testMetadata, write, writeMetadata } from './helpers.js';

const GOOD = [
  ACCOUNT_HEADER,
  // An offset is the instant it names; naive text is UTC.
  '1,2024-03-01T12:00:00+02:00,2024-03-01 10:00:00.250,10.5,100,true,active,2024-01-31,2024-03-01T23:59:59.999Z',
  '1,2024-03-02,,-3e2,-7,F,"quoted, with comma",,',
  '2,2024-03-01 00:00:00,2024-03-01T00:00:00-05:00,,9007199254740991,yes,,1999-12-31,',
  '3, 2024-02-29T06:30:00Z ,,0.1,0,0,"ünïcödé ✓",2024-02-29,1970-01-02T00:00:00Z',
].join('\n');

const GOOD_ROWS = [
  { user_id: 1, updated_at: '2024-03-01T10:00:00.000Z', loaded_at: '2024-03-01T10:00:00.250Z', balance: 10.5, credit_limit: 100, active: true, status: 'active', opened: '2024-01-31', seen_at: '2024-03-01T23:59:59.999Z' },
  { user_id: 1, updated_at: '2024-03-02T00:00:00.000Z', loaded_at: null, balance: -300, credit_limit: -7, active: false, status: 'quoted, with comma', opened: null, seen_at: null },
  { user_id: 2, updated_at: '2024-03-01T00:00:00.000Z', loaded_at: '2024-03-01T05:00:00.000Z', balance: null, credit_limit: 9007199254740991, active: true, status: null, opened: '1999-12-31', seen_at: null },
  { user_id: 3, updated_at: '2024-02-29T06:30:00.000Z', loaded_at: null, balance: 0.1, credit_limit: 0, active: false, status: 'ünïcödé ✓', opened: '2024-02-29', seen_at: '1970-01-02T00:00:00.000Z' },
];

describeEngines('import', (ctx, engine) => {
  const refused = IMPORT_REFUSAL[engine] !== null;
  async function setup(extra: Parameters<typeof testMetadata>[1] = {}) {
    const dir = tempDir();
    const { path, md } = await writeMetadata(dir, testMetadata(ctx(), extra));
    return { dir, path, md };
  }
  const run = (md: Metadata, request: Parameters<typeof importFile>[2]) => importFile(md, resolveConnection(md, { env: {} }), request);

  it.skipIf(refused)('writes a good file into native timestamp, datetime, bool and date columns and reads back the same instants and values', async () => {
    const { dir, md } = await setup();
    await createAccounts(ctx().admin);
    const result = await run(md, { group: 'account', inputFile: write(dir, 'accounts.csv', GOOD) });
    expect(result).toMatchObject({ rows: 4, table: 'accounts', dryRun: false });
    expect(result.createTable).toBeUndefined();
    expect(await readAccounts(md)).toEqual(GOOD_ROWS);
  });

  it.skipIf(refused)('--create-table makes the table with mapped types, and the rows read back the same', async () => {
    const { dir, md } = await setup();
    const result = await run(md, { group: 'account', inputFile: write(dir, 'accounts.csv', GOOD), createTable: true });
    expect(result.rows).toBe(4);
    expect(result.createTable).toMatch(/^CREATE TABLE .accounts. \(.user_id. \w+ NOT NULL, .updated_at. [^,]+ NOT NULL, .loaded_at. /);
    expect(await readAccounts(md)).toEqual(GOOD_ROWS);
  });

  it.skipIf(refused)('stores integer epochs for a group with event_time_unit, from ISO text or epochs, and a composite key', async () => {
    const { dir, md } = await setup();
    await run(md, { group: 'stats', inputFile: write(dir, 's.csv', 'user_id,computed_at,n\n1,2024-03-01T02:00:00+02:00,5\n2,1709251200,\n'), createTable: true });
    const rows = await ctx().admin('stats').select().orderBy('user_id');
    expect(rows.map((r) => [Number(r.user_id), Number(r.computed_at), r.n === null ? null : Number(r.n)])).toEqual([
      [1, 1709251200, 5],
      [2, 1709251200, null],
    ]);
    await run(md, { group: 'profile', inputFile: write(dir, 'p.csv', 'b;a;score\nx;1;0.5\n12;1;\n'), createTable: true, delimiter: ';' });
    const profiles = await ctx().admin('profiles').select().orderBy('b');
    expect(profiles.map((r) => [Number(r.a), r.b, r.score === null ? null : Number(r.score)])).toEqual([
      [1, '12', null],
      [1, 'x', 0.5],
    ]);
  });

  it.skipIf(refused)('batches beyond one statement: 20,000 rows in one transaction', async () => {
    const { dir, md } = await setup();
    const lines = ['user_id,computed_at,n'];
    for (let i = 0; i < 20_000; i++) lines.push(`${i},${1_700_000_000 + i},${i % 7}`);
    const result = await run(md, { group: 'stats', inputFile: write(dir, 'big.csv', lines.join('\n') + '\n'), createTable: true });
    expect(result.rows).toBe(20_000);
    expect(await countRows(ctx().admin, 'stats')).toBe(20_000);
  });

  it.skipIf(refused)('refuses every kind of bad value with file, line, column and value, and writes nothing (CLI, exit 2)', async () => {
    const { dir, path } = await setup();
    await createAccounts(ctx().admin);
    await ctx().admin('accounts').insert({ user_id: 99, updated_at: '2020-01-01 00:00:00', balance: 1 });
    const cases: [string, string][] = [
      ['7,2024-03-01,,abc,,,,,', 'balance: "abc" is not a float'],
      ['7,2024-03-01,,0x10,,,,,', 'balance: "0x10" is not a float'],
      ['7,2024-03-01,,,1.5,,,,', 'credit_limit: "1.5" is not an int'],
      ['7,2024-03-01,,,99999999999999999999,,,,', 'credit_limit: "99999999999999999999" is not an int'],
      ['7,2024-03-01,,,,maybe,,,', 'active: "maybe" is not a bool (true/false, t/f, 1/0, yes/no)'],
      ['7,2024-03-01,,,,,,2024-02-30,', 'opened: "2024-02-30" is not a date (YYYY-MM-DD)'],
      ['7,2024-03-01,,,,,,,yesterday', 'seen_at: "yesterday" is not a timestamp (ISO 8601 like 2024-03-01T12:00:00Z)'],
      ['7,2024-13-01,,,,,,,', 'updated_at: "2024-13-01" is not a timestamp (ISO 8601 like 2024-03-01T12:00:00Z)'],
      ['x7,2024-03-01,,,,,,,', 'user_id: "x7" is not an int'],
      [',2024-03-01,,,,,,,', 'user_id: missing value (the key of entity user cannot be empty)'],
      ['7,,,,,,,,', 'updated_at: missing value (the event time of group account cannot be empty)'],
    ];
    const runs = cases.map(async ([row, message], i) => {
      // The bad row comes last, after good ones, so a write-as-you-go import would have written some.
      const file = write(dir, `bad${i}.csv`, `${ACCOUNT_HEADER}\n7,2024-03-01,,1,,,,,\n8,2024-03-01,,1,,,,,\n${row}\n`);
      const r = await cli(['import', '-m', path, '--group', 'account', '--input-file', file], dir);
      return [{ code: r.code, stderr: r.stderr, stdout: r.stdout }, { code: 2, stderr: `Error: ${file}:4: ${message}\n`, stdout: '' }];
    });
    for (const [got, want] of await Promise.all(runs)) expect(got).toEqual(want);
    expect(await countRows(ctx().admin, 'accounts')).toBe(1);
  });

  it.skipIf(refused)('refuses bad headers, empty files and CSV syntax errors with the line (CLI, exit 2)', async () => {
    const { dir, path } = await setup();
    await createAccounts(ctx().admin);
    const go = async (name: string, text: string) => {
      const file = write(dir, name, text);
      const r = await cli(['import', '-m', path, '-g', 'account', '-i', file], dir);
      return { code: r.code, stderr: r.stderr.replaceAll(`${file}`, 'F') };
    };
    expect(await go('h1.csv', ACCOUNT_HEADER.replace(',seen_at', '') + '\n')).toEqual({ code: 2, stderr: 'Error: F:1: missing column "seen_at" (feature account.seen_at)\n' });
    expect(await go('h2.csv', `${ACCOUNT_HEADER},extra\n`)).toEqual({
      code: 2,
      stderr: `Error: F:1: unknown column "extra" (group account has user_id, updated_at, loaded_at, balance, credit_limit, active, status, opened, seen_at)\n`,
    });
    expect(await go('h3.csv', ACCOUNT_HEADER.replace('credit_limit', 'credit') + '\n')).toEqual({
      code: 2,
      stderr:
        'Error: F:1: unknown column "credit" (feature account.credit is stored in column "credit_limit": name the header after the column)\n' +
        'F:1: missing column "credit_limit" (feature account.credit)\n',
    });
    expect(await go('h4.csv', `${ACCOUNT_HEADER},status\n`)).toEqual({ code: 2, stderr: 'Error: F:1: duplicate column "status" in the header\n' });
    expect(await go('empty.csv', '')).toEqual({ code: 2, stderr: 'Error: F:1: the file is empty: expected a header row\n' });
    expect(await go('short.csv', `${ACCOUNT_HEADER}\n1,2024-03-01,,,,,,,\n2,2024-03-01\n`)).toEqual({
      code: 2,
      stderr: 'Error: F:3: Invalid Record Length: expect 9, got 2\n',
    });
    expect(await go('quote.csv', `${ACCOUNT_HEADER}\n1,2024-03-01,,,,,"unclosed,,\n`)).toMatchObject({ code: 2 });
    expect(await countRows(ctx().admin, 'accounts')).toBe(0);
  });

  it.skipIf(refused)('rolls back everything when the database refuses a row past the first batch (constraint, exit 1)', async () => {
    const { dir, path } = await setup();
    await ctx().admin.schema.createTable('stats', (t) => {
      t.bigInteger('user_id').notNullable();
      t.bigInteger('computed_at').notNullable();
      t.integer('n');
      t.unique(['user_id']);
    });
    await ctx().admin('stats').insert({ user_id: -1, computed_at: 0, n: 1 });
    const lines = ['user_id,computed_at,n'];
    for (let i = 0; i < 30_000; i++) lines.push(`${i},${i},1`);
    lines.push('5,1,1'); // a duplicate of an earlier key: only the unique index can tell
    const file = write(dir, 'dup.csv', lines.join('\n'));
    const r = await cli(['import', '-m', path, '-g', 'stats', '-i', file], dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^Error: database error: .*(unique|UNIQUE|Duplicate)/);
    expect(await ctx().admin('stats').select('user_id')).toEqual([{ user_id: ctx().engine === 'postgres' ? '-1' : -1 }]);
  });

  it.skipIf(refused)('--dry-run checks everything, prints the DDL and writes nothing; a missing table without --create-table is an error', async () => {
    const { dir, path } = await setup();
    const file = write(dir, 's.csv', 'user_id,computed_at,n\n1,1709251200,5\n');
    const dry = await cli(['import', '-m', path, '-g', 'stats', '-i', file, '--create-table', '--dry-run'], dir);
    const ddl = perEngine(ctx().engine, {
      sqlite: 'CREATE TABLE "stats" ("user_id" INTEGER NOT NULL, "computed_at" INTEGER NOT NULL, "n" INTEGER);',
      postgres: 'CREATE TABLE "stats" ("user_id" bigint NOT NULL, "computed_at" bigint NOT NULL, "n" bigint);',
      mysql: 'CREATE TABLE `stats` (`user_id` BIGINT NOT NULL, `computed_at` BIGINT NOT NULL, `n` BIGINT);',
    });
    const index = perEngine(ctx().engine, { sqlite: 'CREATE INDEX "stats_key_time" ON "stats" ("user_id", "computed_at");', postgres: 'CREATE INDEX "stats_key_time" ON "stats" ("user_id", "computed_at");', mysql: 'CREATE INDEX `stats_key_time` ON `stats` (`user_id`, `computed_at`);' });
    expect(dry).toEqual({ code: 0, stdout: `${ddl}\n${index}\ndry run: 1 row checked, would be written to stats; nothing written\n`, stderr: '' });
    expect(await ctx().admin.schema.hasTable('stats')).toBe(false);
    const missing = await cli(['import', '-m', path, '-g', 'stats', '-i', file], dir);
    expect(missing).toEqual({ code: 2, stdout: '', stderr: 'Error: table "stats" of group stats does not exist (add --create-table to create it)\n' });
    // One run per engine through the real binary; the rest run in-process.
    const real = await cliProcess(['import', '-m', path, '-g', 'stats', '-i', file, '--create-table'], dir);
    expect(real).toEqual({ code: 0, stdout: '1 row written to stats (table created, with index stats_key_time on (user_id, computed_at) for lookups by key and time)\n', stderr: '' });
    const again = await cli(['import', '-m', path, '-g', 'stats', '-i', file, '--create-table'], dir);
    expect(again).toEqual({ code: 0, stdout: '1 row written to stats\n', stderr: '' });
    expect(await countRows(ctx().admin, 'stats')).toBe(2);
  });

  it('refuses a connection marked read_only before connecting (exit 2)', async () => {
    const { dir, path } = await setup({ readOnly: true });
    const file = write(dir, 's.csv', 'user_id,computed_at,n\n1,1,1\n');
    const r = await cli(['import', '-m', path, '-g', 'stats', '-i', file, '--create-table'], dir);
    expect(r).toEqual({ code: 2, stdout: '', stderr: `Error: the connection in ${path} is marked read_only: import refuses to write to it\n` });
    expect(await ctx().admin.schema.hasTable('stats')).toBe(false);
  });

  it.skipIf(!refused)('refuses the engine before anything is checked or written, whatever the rights of its user (exit 2)', async () => {
    // A user the cluster lets write: the refusal is spellbook's, not the cluster's.
    const inner = ctx().connection['connection'] as Record<string, unknown>;
    const dir = tempDir();
    const { path } = await writeMetadata(dir, { ...testMetadata(ctx()), connection: { ...ctx().connection, connection: { ...inner, user: 'spellbook_writer' } } });
    await createAccounts(ctx().admin);
    const refusal = { code: 2, stdout: '', stderr: `Error: ${perEngine(engine, IMPORT_REFUSAL)}\n` };
    const accounts = write(dir, 'accounts.csv', GOOD);
    expect(await cli(['import', '-m', path, '-g', 'account', '-i', accounts], dir)).toEqual(refusal);
    expect(await countRows(ctx().admin, 'accounts')).toBe(0);
    const stats = write(dir, 's.csv', 'user_id,computed_at,n\n1,1709251200,5\n');
    expect(await cli(['import', '-m', path, '-g', 'stats', '-i', stats, '--create-table'], dir)).toEqual(refusal);
    expect(await cli(['import', '-m', path, '-g', 'stats', '-i', stats, '--create-table', '--dry-run'], dir)).toEqual(refusal);
    // Not even a header is read: the refusal comes first.
    expect(await cli(['import', '-m', path, '-g', 'stats', '-i', write(dir, 'empty.csv', '')], dir)).toEqual(refusal);
    expect(await ctx().admin.schema.hasTable('stats')).toBe(false);
  });
});
