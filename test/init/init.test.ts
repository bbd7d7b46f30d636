/**
 * `spellbook init` (issue 9) on every engine: from the live catalog to a metadata file
 * that passes `validate` and that `get meta` reads — one group per table, one entity per
 * guessed key, types mapped, times guessed by name and type, guesses marked `# check:` —
 * and never over an existing file.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { expect, it } from 'vitest';
import { parse } from 'yaml';
import { runCli, tempDir } from '../support/cli.js';
import { describeEngines, type EngineContext } from '../support/engines.js';

async function tables(ctx: EngineContext): Promise<void> {
  const { admin } = ctx;
  await admin.schema.createTable('accounts', (t) => {
    t.bigInteger('user_id').notNullable();
    t.datetime('updated_at').notNullable();
    t.datetime('loaded_at');
    t.double('balance');
    t.string('status', 20);
    t.boolean('is_vip');
    t.date('opened');
    t.primary(['user_id', 'updated_at']);
  });
  await admin.schema.createTable('merchants', (t) => {
    t.string('merchant_id', 40);
    t.double('risk_score');
  });
  await admin.schema.createTable('txn_stats', (t) => {
    t.bigInteger('user_id');
    t.datetime('created_at');
    t.integer('txn_count_7d');
  });
  await admin.schema.createTable('notes', (t) => {
    t.text('body');
  });
  await admin('accounts').insert({ user_id: 1, updated_at: '2024-01-01 10:00:00', loaded_at: '2024-01-01 12:00:00', balance: 10.5, status: 'open', is_vip: true, opened: '2023-06-01' });
  await admin('merchants').insert({ merchant_id: 'm1', risk_score: 0.5 });
  await admin('txn_stats').insert({ user_id: 1, created_at: '2024-01-02 00:00:00', txn_count_7d: 3 });
}

const EXPECTED = {
  version: 1,
  entities: [
    { name: 'user', key: 'user_id', type: 'int' },
    { name: 'merchant', key: 'merchant_id', type: 'string' },
  ],
  groups: [
    {
      name: 'accounts',
      entity: 'user',
      table: 'accounts',
      event_time: 'updated_at',
      created_time: 'loaded_at',
      features: [
        { name: 'balance', type: 'float' },
        { name: 'status', type: 'string' },
        { name: 'is_vip', type: 'bool' },
        { name: 'opened', type: 'date' },
      ],
    },
    { name: 'merchants', entity: 'merchant', table: 'merchants', features: [{ name: 'risk_score', type: 'float' }] },
    { name: 'txn_stats', entity: 'user', table: 'txn_stats', event_time: 'created_at', features: [{ name: 'txn_count_7d', type: 'int' }] },
  ],
};

describeEngines('spellbook init', (ctx) => {
  it('writes a commented metadata file that validate passes and get meta reads', async () => {
    await tables(ctx());
    const dir = tempDir();
    const r = await runCli(['init', '--db', ctx().url], { cwd: dir });
    expect([r.code, r.stderr, r.stdout]).toEqual([
      0,
      '',
      'wrote metadata.yml: 3 groups (accounts, merchants, txn_stats), 2 entities; left out: notes (see the file)\n' +
        'check the lines marked "# check:", then run: spellbook validate -m metadata.yml\n',
    ]);
    const file = join(dir, 'metadata.yml');
    const text = readFileSync(file, 'utf8');
    const { connection, ...model } = parse(text) as Record<string, unknown>;
    // MariaDB's BOOLEAN is TINYINT(1): the catalog cannot tell it from a small int, so init says int and asks.
    const expected = structuredClone(EXPECTED);
    if (ctx().engine === 'mysql') expected.groups[0]!.features[2]!.type = 'int';
    expect(model).toEqual(expected);
    // A SQLite file is named relative to the metadata file, as connection: paths resolve.
    const sqliteFile = ctx().url.slice('sqlite:'.length);
    expect(connection).toBe(ctx().engine === 'sqlite' ? `sqlite:${relative(dir, sqliteFile)}` : ctx().url);
    // The guesses a person must confirm say so, next to the line.
    // Trino's information_schema has no constraints: the key is guessed from its name there.
    expect(text).toContain(
      ctx().engine === 'trino'
        ? '    key: user_id  # check: guessed from the column name user_id (the table has no primary key)\n'
        : '    key: user_id  # check: from the primary key (user_id, updated_at)\n',
    );
    expect(text).toContain('    key: merchant_id  # check: guessed from the column name merchant_id (the table has no primary key)\n');
    expect(text).toMatch(/\n {4}event_time: updated_at {2}# check: /);
    expect(text).toMatch(/\n {4}created_time: loaded_at {2}# check: /);
    expect(text).toContain("    event_time: created_at  # check: the only time column: is it when each row's values became true?\n");
    expect(text).toContain('    # check: no timestamp column, so a static group: every row always visible, one row per key\n');
    expect(text).toContain('# table notes left out: no primary key and no column named id or *_id to use as the key\n');

    const validate = await runCli(['validate', '-m', file]);
    expect([validate.code, validate.stdout, validate.stderr]).toEqual([0, '3 groups checked: no findings\n', '']);
    const meta = await runCli(['get', 'meta', 'feature', '-m', file, '--output-format', 'csv']);
    expect(meta.code, meta.stderr).toBe(0);
    expect(meta.stdout.trimEnd().split('\n').slice(1).map((l) => l.split(',')[0])).toEqual([
      'accounts.balance',
      'accounts.status',
      'accounts.is_vip',
      'accounts.opened',
      'merchants.risk_score',
      'txn_stats.txn_count_7d',
    ]);
    // And the data reads through it.
    const exp = await runCli(['export', '-m', file, '-f', 'accounts.balance,txn_stats.txn_count_7d', '-t', '2024-02-01', '-q']);
    expect([exp.code, exp.stderr, exp.stdout]).toEqual([0, '', 'user_id,balance,txn_count_7d\n1,10.5,3\n']);
  });

  it('--table limits the groups; an unknown table is bad usage', async () => {
    await tables(ctx());
    const dir = tempDir();
    const r = await runCli(['init', '--db', ctx().url, '--table', 'merchants', '--output', 'm.yml'], { cwd: dir });
    expect([r.code, r.stderr]).toEqual([0, '']);
    expect((parse(readFileSync(join(dir, 'm.yml'), 'utf8')) as { groups: { name: string }[] }).groups.map((g) => g.name)).toEqual(['merchants']);
    const bad = await runCli(['init', '--db', ctx().url, '--table', 'merchant', '--output', 'x.yml'], { cwd: dir });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^Error: --table merchant: no such table in .* \(did you mean "merchants"\?\)\n$/);
  });

  it('never overwrites an existing file: exit 2, the file untouched', async () => {
    await tables(ctx());
    const dir = tempDir();
    writeFileSync(join(dir, 'metadata.yml'), 'mine\n');
    const r = await runCli(['init', '--db', ctx().url], { cwd: dir });
    expect([r.code, r.stdout, r.stderr]).toEqual([2, '', 'Error: metadata.yml already exists: init never overwrites a file (remove it, or choose another --output)\n']);
    expect(readFileSync(join(dir, 'metadata.yml'), 'utf8')).toBe('mine\n');
  });
});
