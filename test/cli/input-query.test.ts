/**
 * `join --input-query` (SPEC §8) on every engine, both strategies: the rows, their fixed
 * order (time, then key, then the other columns as written), the values written as
 * spellbook writes them, the plan, and each bad input with its exit code, one line, no
 * output file and the database unchanged.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { describeEngines, type EngineContext } from '../support/engines.js';
import { at, createTable } from '../support/tables.js';
import { runCli, tempDir, writeFile, writeMetadata } from '../support/cli.js';

const STRATEGIES = ['database', 'merge'] as const;

async function world(ctx: EngineContext): Promise<string> {
  await createTable(ctx, 'accounts', { user_id: 'int', updated_at: 'time', balance: 'float', status: 'string' }, [
    { user_id: 1, updated_at: at('2024-01-01'), balance: 10.5, status: 'open' },
    { user_id: 1, updated_at: at('2024-01-05'), balance: 20, status: 'open' },
    { user_id: 2, updated_at: at('2024-01-03'), balance: 3, status: 'closed' },
  ]);
  // Stored out of order, with a tie on (time, key) that only the other columns break, and a duplicate.
  await createTable(ctx, 'outcomes', { id: 'string', user_id: 'int', ts: 'time', score: 'float' }, [
    { id: 'c', user_id: 2, ts: at('2024-01-04'), score: 0.5 },
    { id: 'd', user_id: 1, ts: at('2024-01-02 12:00'), score: 10 },
    { id: 'b', user_id: 1, ts: at('2024-01-06'), score: 1.25 },
    { id: 'a', user_id: 1, ts: at('2024-01-02 12:00'), score: 2 },
    { id: 'e', user_id: 3, ts: at('2023-12-31'), score: null },
    { id: 'a', user_id: 1, ts: at('2024-01-02 12:00'), score: 2 },
  ]);
  const dir = tempDir();
  writeMetadata(dir, {
    version: 1,
    connection: ctx.connection,
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
        ],
      },
    ],
  });
  return dir;
}

/** A native timestamp is written as ISO 8601 UTC; SQLite has none, so its text passes through unchanged. */
function stamp(ctx: EngineContext, text: string): string {
  return ctx.engine === 'sqlite' ? `${text}.000` : `${text.replace(' ', 'T')}.000Z`;
}

const QUERY = 'SELECT id, user_id, ts AS event_timestamp, score FROM outcomes';

function join_(dir: string, query: string, strategy: string, ...more: string[]) {
  return runCli(['join', '--input-query', query, '--feature', 'account.*', '--strategy', strategy, ...more], { cwd: dir });
}

describeEngines('join --input-query', (ctx) => {
  it('one row per query row, in the fixed order, values written as spellbook writes them, on both strategies', async () => {
    const dir = await world(ctx());
    const s = (text: string) => stamp(ctx(), text);
    const expected =
      'id,user_id,event_timestamp,score,balance,status\n' +
      `e,3,${s('2023-12-31 00:00:00')},,,\n` +
      `a,1,${s('2024-01-02 12:00:00')},2,10.5,open\n` +
      `a,1,${s('2024-01-02 12:00:00')},2,10.5,open\n` +
      `d,1,${s('2024-01-02 12:00:00')},10,10.5,open\n` +
      `c,2,${s('2024-01-04 00:00:00')},0.5,3,closed\n` +
      `b,1,${s('2024-01-06 00:00:00')},1.25,20,open\n`;
    for (const strategy of STRATEGIES) {
      const r = await join_(dir, `${QUERY};`, strategy);
      expect(r.stderr).toBe('');
      expect(r.stdout).toBe(expected);
    }
  });

  // The label time as the engine's own millisecond timestamp, with and without a zone
  // (Trino reads a type it knows more cheaply: trino-dialect.ts). A row at the label's
  // very millisecond is visible, one a millisecond later is not, before 1970 as after.
  it('a label time stored at millisecond precision, with or without a zone, compares to the millisecond', async () => {
    const dir = await world(ctx());
    await createTable(ctx(), 'moments', { id: 'string', user_id: 'int', ts: 'time', tz: 'timestamptz' }, [
      // MariaDB's TIMESTAMP starts in 1970: the zoned column holds the later label only.
      { id: 'p', user_id: 1, ts: at('1969-12-31 23:59:59.999'), tz: null },
      { id: 'q', user_id: 1, ts: at('2024-01-02 12:00:00.001'), tz: at('2024-01-02 12:00:00.001') },
    ]);
    await createTable(ctx(), 'ticks', { user_id: 'int', updated_at: 'time', v: 'float' }, [
      { user_id: 1, updated_at: at('1969-12-31 23:59:59.998'), v: 1 },
      { user_id: 1, updated_at: at('1970-01-01 00:00:00'), v: 2 },
      { user_id: 1, updated_at: at('2024-01-02 12:00:00.001'), v: 3 },
      { user_id: 1, updated_at: at('2024-01-02 12:00:00.002'), v: 4 },
    ]);
    writeMetadata(dir, {
      version: 1,
      connection: ctx().connection,
      entities: [{ name: 'user', key: 'user_id', type: 'int' }],
      groups: [{ name: 'tick', entity: 'user', table: 'ticks', event_time: 'updated_at', features: [{ name: 'v', type: 'float' }] }],
    });
    const sqlite = ctx().engine === 'sqlite';
    const stamped = (text: string) => (sqlite ? text : `${text.replace(' ', 'T')}Z`);
    for (const strategy of STRATEGIES) {
      const naive = await runCli(['join', '--input-query', 'SELECT id, user_id, ts AS event_timestamp FROM moments', '--feature', 'tick.v', '--strategy', strategy], { cwd: dir });
      expect(naive.stderr).toBe('');
      expect(naive.stdout).toBe(`id,user_id,event_timestamp,v\np,1,${stamped('1969-12-31 23:59:59.999')},1\nq,1,${stamped('2024-01-02 12:00:00.001')},3\n`);
      const zoned = await runCli(
        ['join', '--input-query', "SELECT id, user_id, tz AS event_timestamp FROM moments WHERE id = 'q'", '--feature', 'tick.v', '--strategy', strategy],
        { cwd: dir },
      );
      expect(zoned.stderr).toBe('');
      expect(zoned.stdout).toBe(`id,user_id,event_timestamp,v\nq,1,${stamped('2024-01-02 12:00:00.001')},3\n`);
    }
  });

  it('reads the SQL from @FILE, and gives the same rows as the same labels in a file', async () => {
    const dir = await world(ctx());
    writeFile(dir, 'labels.sql', `-- the labels\n${QUERY} WHERE user_id = 1 -- a trailing comment\n`);
    const fromQuery = await join_(dir, '@labels.sql', 'merge', '--format', 'jsonl');
    expect(fromQuery.stderr).toBe('');
    const s = (text: string) => stamp(ctx(), text);
    writeFile(dir, 'labels.csv', `id,user_id,event_timestamp,score\nd,1,${s('2024-01-02 12:00:00')},10\nb,1,${s('2024-01-06 00:00:00')},1.25\na,1,${s('2024-01-02 12:00:00')},2\na,1,${s('2024-01-02 12:00:00')},2\n`);
    const fromFile = await runCli(['join', '--input-file', 'labels.csv', '--feature', 'account.*', '--format', 'jsonl'], { cwd: dir });
    expect(fromFile.stderr).toBe('');
    const fileRows = fromFile.stdout.trimEnd().split('\n');
    // The file's rows in §8's order: time, key, then the other columns (a < d).
    expect(fromQuery.stdout.trimEnd().split('\n')).toEqual([fileRows[2], fileRows[3], fileRows[0], fileRows[1]]);
  });

  it('two entities, one mapped with --entity-column, --timestamp-column: the same rows on both strategies', async () => {
    const dir = await world(ctx());
    await createTable(ctx(), 'shops', { shop: 'string', at: 'time', risk: 'float' }, [
      { shop: 'x', at: at('2024-01-01'), risk: 0.5 },
      { shop: 'X', at: at('2024-01-01'), risk: 0.9 },
    ]);
    writeMetadata(dir, {
      version: 1,
      connection: ctx().connection,
      entities: [
        { name: 'user', key: 'user_id', type: 'int' },
        { name: 'shop', key: 'shop', type: 'string' },
      ],
      groups: [
        { name: 'account', entity: 'user', table: 'accounts', event_time: 'updated_at', features: [{ name: 'balance', type: 'float' }] },
        { name: 'shop_risk', entity: 'shop', table: 'shops', event_time: 'at', features: [{ name: 'risk', type: 'float' }] },
      ],
    });
    const query = "SELECT id, user_id AS customer, CASE WHEN id IN ('a', 'b') THEN 'x' ELSE 'X' END AS store, ts FROM outcomes";
    const s = (text: string) => stamp(ctx(), text);
    for (const strategy of STRATEGIES) {
      const r = await runCli(
        ['join', '--input-query', query, '--feature', 'account.balance,shop_risk.risk', '--entity-column', 'user=customer', '--entity-column', 'shop=store', '--timestamp-column', 'ts', '--strategy', strategy],
        { cwd: dir },
      );
      expect(r.stderr).toBe('');
      expect(r.stdout).toBe(
        'id,customer,store,ts,balance,risk\n' +
          `e,3,X,${s('2023-12-31 00:00:00')},,\n` +
          // Same time and user: the shop key decides, by code point ('X' before 'x'), whatever the collation.
          `d,1,X,${s('2024-01-02 12:00:00')},10.5,0.9\n` +
          `a,1,x,${s('2024-01-02 12:00:00')},10.5,0.5\n` +
          `a,1,x,${s('2024-01-02 12:00:00')},10.5,0.5\n` +
          `c,2,X,${s('2024-01-04 00:00:00')},3,0.9\n` +
          `b,1,x,${s('2024-01-06 00:00:00')},20,0.5\n`,
      );
    }
  });

  it('--dry-run shows the query inside the statement that will run', async () => {
    const dir = await world(ctx());
    const db = await join_(dir, QUERY, 'database', '--dry-run');
    expect(db.code).toBe(0);
    expect(db.stdout).toContain('input_query: SELECT id, user_id, ts AS event_timestamp, score FROM outcomes\n');
    expect(db.stdout).toMatch(/\nsql: \|-\n  WITH .__labels. AS \(SELECT .q.\.\*, .* FROM \(SELECT id, user_id, ts AS event_timestamp, score FROM outcomes\n  \) AS .q.\) SELECT /);
    const merge = await join_(dir, QUERY, 'merge', '--dry-run');
    // Trino reads a millisecond timestamp back from its own field (labelTimeFromField): its
    // rows carry the query's columns only, selected by name.
    const selected = ctx().engine === 'trino' ? '"l"\\."id", "l"\\."user_id", "l"\\."event_timestamp", "l"\\."score"' : '\\*';
    expect(merge.stdout).toMatch(
      new RegExp(`\\nlabels_sql: \\|-\\n  SELECT ${selected} FROM \\(SELECT .q.\\.\\*, .* FROM \\(SELECT id, user_id, ts AS event_timestamp, score FROM outcomes\\n  \\) AS .q.\\) AS .l. ORDER BY `),
    );
  });

  it('auto takes the merge for a query, whose labels it does not count, on every engine', async () => {
    const dir = await world(ctx());
    const r = await runCli(['join', '--input-query', QUERY, '--feature', 'account.*', '--dry-run'], { cwd: dir });
    expect(/^strategy: (\w+)$/m.exec(r.stdout)?.[1]).toBe('merge');
  });

  const BAD: { name: string; query: string; code: number; error: (engine: string) => RegExp | string }[] = [
    {
      name: 'SQL that does not parse',
      query: 'SELEC id FROM outcomes',
      code: 2,
      // Trino's parser says where it stopped, not the word "syntax".
      error: (engine) => (engine === 'trino' ? /^Error: --input-query: line 1:\d+: mismatched input 'FROM'\. Expecting: .*\n$/ : /^Error: --input-query: .*syntax.*\n$/),
    },
    { name: 'an unknown table', query: 'SELECT * FROM no_such_labels', code: 2, error: () => /^Error: --input-query: .*no_such_labels.*\n$/ },
    {
      name: 'no timestamp column',
      query: 'SELECT id, user_id FROM outcomes',
      code: 2,
      error: () => 'Error: --input-query: missing timestamp column "event_timestamp" (name it with --timestamp-column)\n',
    },
    {
      name: 'no key column',
      query: 'SELECT id, ts AS event_timestamp FROM outcomes',
      code: 2,
      error: () => 'Error: --input-query: missing column "user_id", the key of entity user (map another column with --entity-column user=COLUMN)\n',
    },
    {
      name: 'a NULL key',
      query: "SELECT id, CASE WHEN id = 'c' THEN NULL ELSE user_id END AS user_id, ts AS event_timestamp FROM outcomes",
      code: 2,
      error: () => 'Error: --input-query row 1: user_id: missing key value\n',
    },
    {
      name: 'a NULL timestamp',
      query: "SELECT id, user_id, CASE WHEN id = 'b' THEN NULL ELSE ts END AS event_timestamp FROM outcomes",
      code: 2,
      error: () => 'Error: --input-query row 1: event_timestamp is NULL\n',
    },
  ];
  for (const bad of BAD) {
    it(`${bad.name}: exit ${bad.code}, one line, no output file, on both strategies`, async () => {
      const dir = await world(ctx());
      for (const strategy of STRATEGIES) {
        const out = join(dir, `out-${strategy}.csv`);
        const r = await join_(dir, bad.query, strategy, '--output', out);
        expect(r.code, r.stderr).toBe(bad.code);
        const error = bad.error(ctx().engine);
        if (typeof error === 'string') expect(r.stderr).toBe(error);
        else expect(r.stderr).toMatch(error);
        expect(existsSync(out)).toBe(false);
      }
    });
  }
});

/** Writes, run as the full-privilege test user: only the read-only session stands between them and the data. */
const WRITES: Record<string, { setup: string[]; query: string; code: number; error: RegExp }[]> = {
  postgres: [
    {
      setup: [],
      query: 'WITH gone AS (DELETE FROM outcomes RETURNING id, user_id, ts AS event_timestamp) SELECT * FROM gone',
      code: 1,
      error: /^Error: database error: WITH clause containing a data-modifying statement must be at the top level\n$/,
    },
    {
      setup: [`CREATE FUNCTION sb_bump() RETURNS int LANGUAGE sql VOLATILE AS 'INSERT INTO audit VALUES (1) RETURNING 1'`],
      query: 'SELECT id, user_id, ts AS event_timestamp FROM outcomes WHERE sb_bump() = 1',
      code: 1,
      error: /^Error: database error: cannot execute INSERT in a read-only transaction\n$/,
    },
  ],
  mysql: [
    {
      setup: ['CREATE FUNCTION sb_bump() RETURNS INT MODIFIES SQL DATA BEGIN INSERT INTO audit VALUES (1); RETURN 1; END'],
      query: 'SELECT id, user_id, ts AS event_timestamp FROM outcomes WHERE sb_bump() = 1',
      code: 1,
      error: /^Error: database error: Cannot execute statement in a READ ONLY transaction\n$/,
    },
  ],
  // Nor in Trino, whose grammar admits no INSERT, DELETE, UPDATE, MERGE or DDL in a query
  // (the read-only transaction and the SELECT-only user are the walls behind that one).
  trino: [{ setup: [], query: 'DELETE FROM outcomes', code: 2, error: /^Error: --input-query: line 1:\d+: mismatched input 'DELETE'\. Expecting: .*\n$/ }],
  // A write cannot be a subquery in SQLite: it is refused as SQL it cannot read, before anything runs.
  sqlite: [{ setup: [], query: 'DELETE FROM outcomes RETURNING id, user_id, ts AS event_timestamp', code: 2, error: /^Error: --input-query: near "DELETE": syntax error\n$/ }],
};

describeEngines('join --input-query that writes', (ctx) => {
  it('fails with the database error and changes nothing, on both strategies', async () => {
    const { engine, admin } = ctx();
    const dir = await world(ctx());
    await admin.schema.createTable('audit', (t) => t.integer('n'));
    for (const { setup, query, code, error } of WRITES[engine]!) {
      for (const sql of setup) await admin.raw(sql);
      for (const strategy of STRATEGIES) {
        const out = join(dir, 'out.csv');
        const r = await join_(dir, query, strategy, '--output', out);
        expect(r.code, r.stderr).toBe(code);
        expect(r.stderr).toMatch(error);
        expect(existsSync(out)).toBe(false);
        expect(Number((await admin('outcomes').count({ n: '*' }))[0]!.n)).toBe(6);
        expect(await admin('audit').select('n')).toEqual([]);
      }
    }
  });
});
