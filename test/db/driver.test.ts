import { expect, it } from 'vitest';
import { SpellbookError } from '../../src/errors.js';
import type { Row } from '../../src/db/dialect.js';
import { describeEngines } from '../support/engines.js';
import { withDatabase, within } from './helpers.js';

const N = 20_000;

describeEngines('driver', (ctx) => {
  async function fillNumbers(): Promise<void> {
    const { engine, admin } = ctx();
    await admin.schema.createTable('nums', (t) => t.integer('n').primary());
    if (engine === 'postgres') {
      await admin.raw(`INSERT INTO nums SELECT g FROM generate_series(1, ${N}) AS g`);
    } else if (engine === 'mysql') {
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
      const d = db.dialect;
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
        const [count] = await within(5000, db.driver.all({ sql: 'SELECT count(*) AS c FROM nums', parameters: [] }), 'query after break');
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
      const rows = await within(5000, db.driver.all({ sql: 'SELECT 1 AS one', parameters: [] }), 'query after error');
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
      const [ra, rb] = await within(5000, Promise.all([a.next(), b.next()]), 'two streams');
      expect(Number(ra.value?.n)).toBe(1);
      expect(Number(rb.value?.n)).toBe(N);
      await a.return?.();
      await b.return?.();
    });
  });

  it('close() can be called twice', async () => {
    await withDatabase(ctx(), { readOnly: true }, async (db) => {
      await db.driver.all({ sql: 'SELECT 1 AS one', parameters: [] });
      await db.close();
    });
  });
});
