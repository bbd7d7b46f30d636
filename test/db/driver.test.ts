import { once } from 'node:events';
import pg from 'pg';
import { expect, it } from 'vitest';
import { SpellbookError } from '../../src/errors.js';
import type { Database, Row } from '../../src/db/dialect.js';
import { describeEngines } from '../support/engines.js';
import { withDatabase, within } from './helpers.js';

describeEngines('driver', (ctx, engine) => {
  // Rows in `nums`: enough that a streaming driver hands them on in more than one batch.
  // Trino's batches are the coordinator's pages, which fill up to a size limit, or less
  // when a page is asked for before more rows are ready: 20,000 rows of one int fit in
  // one page when the result is ready at the first request, so Trino gets 200,000.
  const N = engine === 'trino' ? 200_000 : 20_000;
  // How long a query may take before it counts as hung on a connection never given back.
  // A hang never ends, so the deadline only has to outlast a slow answer: on Trino two
  // ordered scans of N rows on a cluster busy with CI's other files took over 5 s once.
  const HUNG_AFTER_MS = engine === 'trino' ? 25_000 : 5000;
  async function fillNumbers(): Promise<void> {
    // Written where the engine reads it: Trino's tables live in PostgreSQL.
    const { storage, admin } = ctx();
    await admin.schema.createTable('nums', (t) => t.integer('n').primary());
    if (storage === 'postgres') {
      await admin.raw(`INSERT INTO nums SELECT g FROM generate_series(1, ${N}) AS g`);
    } else if (storage === 'mysql') {
      // MariaDB caps recursive CTEs (max_recursive_iterations, 1000 here): cross-join digits.
      const d = '(SELECT 0 AS d UNION ALL SELECT 1 UNION ALL SELECT 2 UNION ALL SELECT 3 UNION ALL SELECT 4 UNION ALL SELECT 5 UNION ALL SELECT 6 UNION ALL SELECT 7 UNION ALL SELECT 8 UNION ALL SELECT 9)';
      await admin.raw(
        `INSERT INTO nums (n) SELECT n FROM (SELECT 1 + a.d + 10 * b.d + 100 * c.d + 1000 * e.d + 10000 * f.d AS n
           FROM ${d} a, ${d} b, ${d} c, ${d} e, ${d} f) x WHERE n <= ${N}`,
      );
    } else {
      await admin.raw(
        `INSERT INTO nums (n) WITH RECURSIVE c(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c WHERE n < ${N}) SELECT n FROM c`,
      );
    }
  }

  it('streams every row in order, with bound parameters', async () => {
    await fillNumbers();
    await withDatabase(ctx(), { readOnly: true }, async (db) => {
      const d = db.compiler;
      const seen: number[] = [];
      for await (const row of db.driver.stream({
        sql: `SELECT n AS ${d.quoteIdentifier('the n')} FROM nums WHERE n > ${d.placeholder(1)} ORDER BY n`,
        parameters: [10],
      })) {
        seen.push(Number(row['the n']));
      }
      expect(seen.length).toBe(N - 10);
      expect(seen[0]).toBe(11);
      expect(seen.at(-1)).toBe(N);
    });
  });

  it('gives the connection back when the consumer breaks early (pool of one)', async () => {
    await fillNumbers();
    await withDatabase(ctx(), { readOnly: true, extra: { pool: { max: 1 } } }, async (db) => {
      for (let round = 0; round < 3; round++) {
        let first: Row | undefined;
        for await (const row of db.driver.stream({ sql: 'SELECT n FROM nums ORDER BY n', parameters: [] })) {
          first = row;
          break;
        }
        expect(Number(first?.n)).toBe(1);
        const [count] = await within(HUNG_AFTER_MS, db.driver.all({ sql: 'SELECT count(*) AS c FROM nums', parameters: [] }), 'query after break');
        expect(Number(count?.c)).toBe(N);
      }
    });
  });

  it('gives the connection back when the query fails, with a one-line DATABASE error', async () => {
    await withDatabase(ctx(), { readOnly: true, extra: { pool: { max: 1 } } }, async (db) => {
      const consume = async () => {
        for await (const _ of db.driver.stream({ sql: 'SELECT * FROM no_such_table', parameters: [] })) void _;
      };
      const err = await consume().then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(SpellbookError);
      const e = err as SpellbookError;
      expect(e.code).toBe('DATABASE');
      expect(e.message).toMatch(/^database error: .*no_such_table/);
      expect(e.message).not.toContain('\n');
      expect(e.cause).toBeDefined();
      await expect(db.driver.all({ sql: 'SELECT * FROM no_such_table', parameters: [] })).rejects.toThrow(/^database error: /);
      const rows = await within(HUNG_AFTER_MS, db.driver.all({ sql: 'SELECT 1 AS one', parameters: [] }), 'query after error');
      expect(Number(rows[0]?.one)).toBe(1);
    });
  });

  it('returns date-times, big integers and decimals without going through local time', async () => {
    const { engine } = ctx();
    await withDatabase(ctx(), { readOnly: true }, async (db) => {
      if (engine === 'postgres') {
        const sql = `SELECT '2024-03-01 12:00:00.5+02'::timestamptz AS tz, '2024-03-01 12:00:00'::timestamp AS ts,
                            '2024-03-01'::date AS d, 9007199254740993::int8 AS big, 1.10::numeric AS dec`;
        const expected = { tz: '2024-03-01 10:00:00.5+00', ts: '2024-03-01 12:00:00', d: '2024-03-01', big: '9007199254740993', dec: '1.10' };
        expect(await db.driver.all({ sql, parameters: [] })).toEqual([expected]);
        const streamed: Row[] = [];
        for await (const r of db.driver.stream({ sql, parameters: [] })) streamed.push(r);
        expect(streamed).toEqual([expected]);
      } else if (engine === 'mysql') {
        const sql = `SELECT CAST('2024-03-01 12:00:00.5' AS DATETIME(3)) AS ts, CAST('2024-03-01' AS DATE) AS d, @@session.time_zone AS zone`;
        expect(await db.driver.all({ sql, parameters: [] })).toEqual([{ ts: '2024-03-01 12:00:00.500', d: '2024-03-01', zone: '+00:00' }]);
      } else if (engine === 'trino') {
        // As the protocol writes them: a zoned time keeps its offset, a naive one its precision.
        const sql = `SELECT TIMESTAMP '2024-03-01 12:00:00.5 +02:00' AS tz, TIMESTAMP '2024-03-01 12:00:00' AS ts, DATE '2024-03-01' AS d, DECIMAL '1.10' AS dec`;
        expect(await db.driver.all({ sql, parameters: [] })).toEqual([{ tz: '2024-03-01 12:00:00.500 +02:00', ts: '2024-03-01 12:00:00.000', d: '2024-03-01', dec: '1.10' }]);
      } else {
        expect(await db.driver.all({ sql: `SELECT '2024-03-01 12:00:00' AS ts`, parameters: [] })).toEqual([{ ts: '2024-03-01 12:00:00' }]);
      }
    });
  });

  it('runs streams side by side (a merge reads several ordered scans at once)', async () => {
    await fillNumbers();
    await withDatabase(ctx(), { readOnly: true }, async (db) => {
      const a = db.driver.stream({ sql: 'SELECT n FROM nums ORDER BY n', parameters: [] })[Symbol.asyncIterator]();
      const b = db.driver.stream({ sql: 'SELECT n FROM nums ORDER BY n DESC', parameters: [] })[Symbol.asyncIterator]();
      const [ra, rb] = await within(HUNG_AFTER_MS, Promise.all([a.next(), b.next()]), 'two streams');
      expect(Number(ra.value?.n)).toBe(1);
      expect(Number(rb.value?.n)).toBe(N);
      await a.return?.();
      await b.return?.();
    });
  });

  /** Values a text or CSV transfer could garble, one row each, in id order. */
  const TEXTS = ['', 'plain', 'a,b', 'say "hi", \'twice\'', 'line\nbreak', 'cr\r\nlf', 'tab\there', 'back\\slash', '\\N', 'N', 'ünï €', null];

  async function fillValues(): Promise<void> {
    const { admin } = ctx();
    await admin.schema.createTable('vals', (t) => {
      t.integer('id').primary();
      t.text('s');
      t.double('f');
      t.bigInteger('b');
      t.decimal('d', 12, 3);
      t.boolean('ok');
      t.dateTime('ts', { precision: 3 });
    });
    await admin('vals').insert(
      TEXTS.map((s, id) => ({
        id,
        s,
        f: id % 3 === 0 ? null : id / 7,
        b: id % 4 === 0 ? null : 9007199254740000 + id,
        d: id % 5 === 0 ? null : `${id}.125`,
        ok: id % 2 === 0 ? null : id % 3 === 0,
        ts: id % 6 === 0 ? null : `2024-03-0${1 + (id % 9)} 12:00:00.${100 + id}`,
      })),
    );
  }

  async function arrays(db: Database, sql: string, parameters: unknown[] = []): Promise<unknown[][]> {
    const rows: unknown[][] = [];
    for await (const batch of db.driver.arrayBatches({ sql, parameters })) rows.push(...batch);
    return rows;
  }

  it('arrayBatches gives each value as stream does, in SELECT-list order: NULLs, text with commas, quotes, tabs, newlines and backslashes, times, numbers', async () => {
    await fillValues();
    await withDatabase(ctx(), { readOnly: true }, async (db) => {
      const sql = 'SELECT id, s, f, b, d, ok, ts FROM vals ORDER BY id';
      const got = await arrays(db, sql);
      expect(got.map((r) => r[1])).toEqual(TEXTS);
      const streamed: unknown[][] = [];
      for await (const row of db.driver.stream({ sql, parameters: [] })) streamed.push(['id', 's', 'f', 'b', 'd', 'ok', 'ts'].map((c) => row[c]));
      expect(got).toEqual(streamed);
      // With a bound parameter: the same values.
      expect(await arrays(db, `${sql.replace(' ORDER', ` WHERE id >= ${db.compiler.placeholder(1)} ORDER`)}`, [0])).toEqual(streamed);
    });
  });

  it('arrayBatches reads every row of a large result, in batches', async () => {
    await fillNumbers();
    await withDatabase(ctx(), { readOnly: true }, async (db) => {
      let rows = 0;
      let sum = 0;
      let batches = 0;
      for await (const batch of db.driver.arrayBatches({ sql: 'SELECT n, n * 2 AS twice FROM nums', parameters: [] })) {
        batches++;
        for (const [n, twice] of batch) {
          rows++;
          sum += Number(n);
          expect(Number(twice)).toBe(2 * Number(n));
        }
      }
      expect(rows).toBe(N);
      expect(sum).toBe((N * (N + 1)) / 2);
      expect(batches).toBeGreaterThan(1);
    });
  });

  it('arrayBatches of a scan marked as a whole table (SQLite reads it in pages) gives every row once, as the same statement unmarked, and frees its connection when stopped early', async () => {
    await fillNumbers();
    await withDatabase(ctx(), { readOnly: true, extra: { pool: { max: 1 } } }, async (db) => {
      const q = (name: string) => db.compiler.quoteIdentifier(name);
      const sql = `SELECT ${q('src')}.n AS ${q('k0')}, ${q('src')}.n * 2 AS ${q('f0')} FROM nums AS ${q('src')}`;
      const whole = { sql, parameters: [], wholeTable: { table: 'nums', alias: 'src' } };
      const read = async (query: typeof whole | { sql: string; parameters: never[] }) => {
        const rows: unknown[][] = [];
        for await (const batch of db.driver.arrayBatches(query)) rows.push(...batch.map((r) => r.map(Number)));
        return rows.sort((a, b) => (a[0] as number) - (b[0] as number));
      };
      const paged = await read(whole);
      expect(paged).toHaveLength(N);
      expect(paged[0]).toEqual([1, 2]);
      expect(paged[N - 1]).toEqual([N, 2 * N]);
      expect(paged).toEqual(await read({ sql, parameters: [] }));
      // A select list of columns only, described: SQLite reads it from the file's pages.
      const plain = `SELECT ${q('src')}.n AS ${q('k0')}, 1 AS ${q('f0')} FROM nums AS ${q('src')}`;
      const described = { sql: plain, parameters: [], wholeTable: { table: 'nums', alias: 'src', items: [{ column: 'n', read: 'raw' as const }, { constant: 1 as const }] } };
      const fromPages = await read(described);
      expect(fromPages).toHaveLength(N);
      expect(fromPages[N - 1]).toEqual([N, 1]);
      expect(fromPages).toEqual(await read({ sql: plain, parameters: [] }));
      for await (const batch of db.driver.arrayBatches(whole)) {
        expect(batch.length).toBeGreaterThan(0);
        break;
      }
      // The one connection is free again: this would wait for ever otherwise.
      const [count] = await within(HUNG_AFTER_MS, db.driver.all({ sql: 'SELECT count(*) AS c FROM nums', parameters: [] }), 'query after break');
      expect(Number(count!['c'])).toBe(N);
    });
  });

  it('arrayBatches gives the connection back when the consumer breaks early or the query fails midway (pool of one)', async () => {
    await fillNumbers();
    await withDatabase(ctx(), { readOnly: true, extra: { pool: { max: 1 } } }, async (db) => {
      for (let round = 0; round < 2; round++) {
        for await (const batch of db.driver.arrayBatches({ sql: 'SELECT n FROM nums', parameters: [] })) {
          expect(batch.length).toBeGreaterThan(0);
          break;
        }
        const [count] = await within(HUNG_AFTER_MS, db.driver.all({ sql: 'SELECT count(*) AS c FROM nums', parameters: [] }), 'query after break');
        expect(Number(count?.c)).toBe(N);
      }
    });
  });

  // A statement failing after many rows were sent; SQLite and MariaDB divide by zero to NULL.
  it.skipIf(engine !== 'postgres')('arrayBatches fails with the database error when the query fails midway, and the connection is usable after', async () => {
    await fillNumbers();
    await withDatabase(ctx(), { readOnly: true, extra: { pool: { max: 1 } } }, async (db) => {
      await expect(arrays(db, 'SELECT 1 / (n - 15000) AS q FROM nums ORDER BY n')).rejects.toThrow(/^database error: division by zero/);
      const rows = await within(HUNG_AFTER_MS, db.driver.all({ sql: 'SELECT 1 AS one', parameters: [] }), 'query after error');
      expect(Number(rows[0]?.one)).toBe(1);
    });
  });

  // The session ended by an administrator (pg_terminate_backend) in the moment between
  // the COPY read's two statements: the column types' LIMIT 0 run has answered, the COPY is
  // not sent yet. Made certain here by ending the session from inside that moment; in a
  // run it is a race the hardening suite's kill mid-join lost once in CI.
  it.skipIf(engine !== 'postgres')('a COPY read whose session is ended between its two statements fails with the server\'s words', async () => {
    await fillNumbers();
    const { admin } = ctx();
    const query = pg.Client.prototype.query;
    pg.Client.prototype.query = function (this: pg.Client, config: unknown, ...rest: unknown[]) {
      const answer = (query as (...a: unknown[]) => unknown).call(this, config, ...rest);
      const text = (config as { text?: unknown } | undefined)?.text;
      if (typeof text !== 'string' || !text.includes('LIMIT 0')) return answer;
      const pid = (this as pg.Client & { processID: number }).processID;
      return (answer as Promise<unknown>).then(async (result) => {
        const ended = once(this, 'error');
        await admin.raw('SELECT pg_terminate_backend(?)', [pid]);
        await ended;
        return result;
      });
    } as typeof query;
    try {
      await withDatabase(ctx(), { readOnly: true }, async (db) => {
        await expect(arrays(db, 'SELECT n FROM nums')).rejects.toThrow(/^database error: terminating connection due to administrator command$/);
      });
    } finally {
      pg.Client.prototype.query = query;
    }
  });

  it('close() can be called twice', async () => {
    await withDatabase(ctx(), { readOnly: true }, async (db) => {
      await db.driver.all({ sql: 'SELECT 1 AS one', parameters: [] });
      await db.close();
    });
  });
});
