/** `validate` on every engine: a clean database, every schema finding, every data finding, the exit codes and --json. */
import type { Knex } from 'knex';
import { expect, it } from 'vitest';
import { openSpellbook } from '../../src/spellbook.js';
import { describeEngines } from '../support/engines.js';
import { cli, cliProcess, createAccounts, tempDir, testMetadata, writeMetadata } from '../import/helpers.js';

async function createStatsAndProfiles(admin: Knex): Promise<void> {
  await admin.schema.createTable('stats', (t) => {
    t.bigInteger('user_id').notNullable();
    t.bigInteger('computed_at').notNullable();
    t.bigInteger('n');
  });
  await admin.schema.createTable('profiles', (t) => {
    t.bigInteger('a');
    t.string('b', 50);
    t.double('score');
  });
}

const EVENTS = { name: 'events', entity: 'user', table: 'events', event_time: 'at', features: [{ name: 'v', type: 'int' }] };
const QUERY = { name: 'q', entity: 'user', query: 'SELECT user_id, n FROM stats', features: [{ name: 'n', type: 'int' }] };

describeEngines('validate', (ctx) => {
  it('a database that fits the metadata: no findings, exit 0, with and without --data', async () => {
    const dir = tempDir();
    const { path } = await writeMetadata(dir, testMetadata(ctx(), { groups: [QUERY] }));
    await createAccounts(ctx().admin);
    await createStatsAndProfiles(ctx().admin);
    await ctx().admin('stats').insert({ user_id: 1, computed_at: 1_700_000_000, n: 2 });
    // Through the real binary once per engine; the rest run in-process.
    expect(await cliProcess(['validate', '-m', path], dir)).toEqual({ code: 0, stdout: '4 groups checked: no findings\n', stderr: '' });
    expect(await cli(['validate', '-m', path, '--data'], dir)).toEqual({ code: 0, stdout: '4 groups checked (schema and data): no findings\n', stderr: '' });
  });

  it('reports a missing table, a missing column, a type that does not fit, a failing query and a query without a column (exit 1)', async () => {
    const dir = tempDir();
    const broken = { name: 'broken', entity: 'user', query: 'SELECT nope FROM nowhere', features: [{ name: 'n', type: 'int' }] };
    const short = { name: 'short', entity: 'user', query: 'SELECT user_id FROM profiles_x', features: [{ name: 'n', type: 'int' }] };
    const { path } = await writeMetadata(dir, testMetadata(ctx(), { groups: [broken, short] }));
    const admin = ctx().admin;
    await admin.schema.createTable('accounts', (t) => {
      t.text('user_id'); // declared int
      t.datetime('updated_at');
      t.datetime('loaded_at');
      t.text('balance'); // declared float
      t.bigInteger('credit_limit');
      t.boolean('active');
      t.string('status');
      t.date('opened');
      // seen_at missing
    });
    await admin.schema.createTable('profiles', (t) => {
      t.bigInteger('a');
      t.string('b');
      t.double('score');
    });
    await admin.schema.createTable('profiles_x', (t) => t.bigInteger('user_id'));
    const r = await cli(['validate', '-m', path], dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('');
    const lines = r.stdout.split('\n');
    // Trino reads PostgreSQL's text as its varchar.
    const text = ctx().engine === 'trino' ? 'varchar' : 'text';
    expect(lines.slice(0, 4)).toEqual([
      `account: column user_id is ${text}, declared int`,
      `account: column balance is ${text}, declared float`,
      'account: column seen_at does not exist in table accounts (feature account.seen_at)',
      'stats: table stats does not exist',
    ]);
    expect(lines[4]).toMatch(/^broken: query fails: .*(nowhere|nope)/);
    expect(lines.slice(5)).toEqual(['short: column n is not returned by the query (feature short.n)', '5 groups checked: 6 findings in 4 groups', '']);
  });

  it('--data reports duplicates (by instant and exact key bytes), NULL keys, NULL event times and future event times, with examples', async () => {
    const dir = tempDir();
    const { md } = await writeMetadata(dir, testMetadata(ctx(), { groups: [EVENTS] }));
    const admin = ctx().admin;
    await createAccounts(admin);
    await createStatsAndProfiles(admin);
    await admin.schema.createTable('events', (t) => {
      t.bigInteger('user_id');
      t.datetime('at');
      t.integer('v');
    });
    await admin('events').insert([
      { user_id: 1, at: '2024-01-01 00:00:00', v: 1 },
      { user_id: 1, at: '2024-01-01 00:00:00', v: 2 },
      { user_id: 1, at: '2024-01-02 00:00:00', v: 2 },
      { user_id: 2, at: '2024-01-01 00:00:00', v: 3 },
      { user_id: 2, at: '2024-01-01 00:00:00', v: 3 },
      { user_id: 2, at: '2024-01-01 00:00:00', v: 3 },
      { user_id: null, at: '2024-01-02 00:00:00', v: 4 },
      { user_id: 4, at: null, v: 5 },
      { user_id: 3, at: null, v: 5 },
      { user_id: 5, at: '2999-01-01 00:00:00', v: 6 },
    ]);
    // Equal event times with different created times are tie-broken, not duplicates.
    await admin('accounts').insert([
      { user_id: 7, updated_at: '2024-01-01 00:00:00', loaded_at: '2024-01-01 01:00:00' },
      { user_id: 7, updated_at: '2024-01-01 00:00:00', loaded_at: '2024-01-01 02:00:00' },
      { user_id: 8, updated_at: '2024-01-01 00:00:00', loaded_at: '2024-01-01 01:00:00' },
      { user_id: 8, updated_at: '2024-01-01 00:00:00', loaded_at: '2024-01-01 01:00:00' },
    ]);
    // 'x' and 'X' are different keys even under MariaDB's case-insensitive collation.
    await admin('profiles').insert([
      { a: 1, b: 'x', score: 1 },
      { a: 1, b: 'x', score: 2 },
      { a: 1, b: 'X', score: 3 },
      { a: null, b: 'y', score: 4 },
    ]);
    const book = await openSpellbook({ metadata: md, env: {} });
    try {
      const now = Date.UTC(2024, 5, 1);
      const report = await book.validate({ data: true, now });
      const lines = report.groups.flatMap((g) => g.findings.map((f) => `${g.group}: ${f.message}`));
      expect(lines).toEqual([
        'account: 1 duplicate (user_id, updated_at, loaded_at) value in 2 rows, e.g. user_id=8 at 2024-01-01T00:00:00.000Z',
        'profile: 1 duplicate (a, b) value in 2 rows, e.g. (a=1, b=x)',
        'profile: 1 row with a NULL key (a, b)',
        'events: 2 duplicate (user_id, at) values in 5 rows, e.g. user_id=1 at 2024-01-01T00:00:00.000Z; user_id=2 at 2024-01-01T00:00:00.000Z',
        'events: 1 row with a NULL key (user_id)',
        'events: 2 rows with a NULL event time (at), e.g. user_id=3; user_id=4',
        'events: 1 row with an event time (at) in the future (after 2024-06-01T00:00:00.000Z), e.g. user_id=5 at 2999-01-01T00:00:00.000Z',
      ]);
      expect(report.findings).toBe(7);
      expect(report.groups.find((g) => g.group === 'events')!.findings[0]).toMatchObject({ kind: 'duplicate-rows', rows: 5, examples: ['user_id=1 at 2024-01-01T00:00:00.000Z', 'user_id=2 at 2024-01-01T00:00:00.000Z'] });
    } finally {
      await book.close();
    }
  });

  it('--json prints the report as JSON and still exits 1 on findings; an unknown group is bad usage (exit 2)', async () => {
    const dir = tempDir();
    const { path } = await writeMetadata(dir, testMetadata(ctx()));
    await createAccounts(ctx().admin);
    await createStatsAndProfiles(ctx().admin);
    await ctx().admin('stats').insert([{ user_id: 1, computed_at: 32503680000, n: 1 }]);
    const r = await cli(['validate', '-m', path, '--data', '--group', 'stats', '--json'], dir);
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout);
    expect(report).toMatchObject({ data: true, findings: 1, groups: [{ group: 'stats', source: 'table stats', findings: [{ kind: 'future-event-time', rows: 1, column: 'computed_at', examples: ['user_id=1 at 3000-01-01T00:00:00.000Z'] }] }] });
    expect(await cli(['validate', '-m', path, '--group', 'nope'], dir)).toEqual({ code: 2, stdout: '', stderr: 'Error: no group named "nope"\n' });
  });
});
