/**
 * The SQL of the point-in-time statements, per engine, as literal text and parameters
 * (as Kysely tests its dialects). No database: a change in generation shows up here, in
 * review, not only as a different result on some engine. When a change is meant, update
 * the expected text and say in the commit why the new SQL is right.
 *
 * Written out in full except three shorthands: `ms(c)` is SQLite's epoch-ms expression of a
 * column (dialect.epochMs), `ordered(c)` its orderedText of an integer, and `mysql` swaps "…" for `…` so MariaDB's quoting reads as
 * the others'. Snapshot 2024-03-01T00:00:00Z = 1709251200000.
 */
import { describe, expect, it } from 'vitest';
import type { QueryCompiler } from '../../src/db/dialect.js';
import { parseMetadata } from '../../src/metadata/index.js';
import { planExport, planJoin, type ExportPlan, type JoinPlan } from '../../src/plan/plan.js';
import { pluginNamed } from '../../src/db/registry.js';

const sqlite = pluginNamed('sqlite');
const postgres = pluginNamed('postgres');
const mariadb = pluginNamed('mysql');

const md = parseMetadata(
  `version: 1
entities:
  - name: user
    key: user_id
    type: int
  - name: user_merchant
    key: [user_id, merchant_id]
    type: [int, string]
  - name: device
    key: [vendor, serial]
    type: int
groups:
  - name: account
    entity: user
    table: app.accounts
    event_time: updated_at
    created_time: loaded_at
    ttl: 30d
    features:
      - name: balance
        type: float
        column: balance_eur
      - name: last_login
        type: timestamp
  - name: spend
    entity: user_merchant
    entity_columns: [customer_id, shop_id]
    event_time: day
    event_time_unit: s
    query: |
      SELECT customer_id, shop_id, day, SUM(amount) AS total
      FROM payments -- a comment at the end
      GROUP BY 1, 2, 3;
    features:
      - name: total
        type: float
  - name: ledger
    entity: user
    table: app.ledger
    event_time: posted_at
    created_time: loaded_at
    features:
      - name: amount
        type: float
  - name: device_info
    entity: device
    features:
      - name: model
        type: string
`,
  { path: 'm.yml', file: '/m.yml', env: {} },
);

const snapshot = Date.UTC(2024, 2, 1);
const DAY = 86_400_000;
const labels = { kind: 'csv', file: 'l.csv', delimiter: ',', header: ['user_id', 'merchant_id', 'vendor', 'serial', 'event_timestamp'] } as const;

const CASES = {
  // ttl 30d from the metadata; a timestamp feature read as epoch ms.
  'export account': (d) => planExport(md, d, { features: ['account.balance', 'account.last_login'], snapshot }),
  // --known-at and --ttl account=7d.
  'export account known-at ttl override': (d) => planExport(md, d, { features: ['account.balance'], snapshot, knownAt: true, ttl: { account: 7 * DAY } }),
  // Composite (int, string) key, query source, epoch seconds, no ttl, --key twice.
  'export spend keys': (d) => planExport(md, d, { features: ['spend.total'], snapshot, keys: [['1', 'm1'], ['2', 'm2']] }),
  // No ttl, a created time, --known-at: MariaDB joins the rows to their key's newest event time.
  'export ledger known-at': (d) => planExport(md, d, { features: ['ledger.amount'], snapshot, knownAt: true }),
  // Static group: no time at all.
  'export device static': (d) => planExport(md, d, { features: ['device_info.model'], snapshot }),
  'join database': (d) =>
    planJoin(md, d, { features: ['account.balance', 'spend.total', 'device_info.model'], inputFile: 'l.csv', strategy: 'database', knownAt: true, entityColumns: { user_merchant: ['user_id', 'merchant_id'] } }, labels),
  'join merge': (d) => planJoin(md, d, { features: ['account.balance', 'spend.total', 'device_info.model'], inputFile: 'l.csv', strategy: 'merge' }, labels),
} satisfies Record<string, (d: QueryCompiler) => ExportPlan | JoinPlan>;

function statements(plan: (c: QueryCompiler) => ExportPlan | JoinPlan, compiler: QueryCompiler) {
  return plan(compiler).groups.map((g) => ({
    group: g.group.name,
    sql: g.query.sql,
    parameters: g.query.parameters,
    ...(g.query.scanTimesAt ? { scanTimesAt: g.query.scanTimesAt } : {}),
    ...(g.labels ? { labels: g.labels } : {}),
  }));
}

const ms = (c: string) => `(CASE typeof(${c}) WHEN 'text' THEN CAST(round(unixepoch(${c}, 'subsec') * 1000) AS INTEGER) WHEN 'integer' THEN ${c} WHEN 'real' THEN CAST(round(${c}) AS INTEGER) END)`;
const ordered = (c: string) =>
  `CASE WHEN ${c} IS NULL THEN '' WHEN ${c} BETWEEN -999999999999999 AND 999999999999999 THEN '1' || (2000000000000000 + ${c}) ELSE printf('%d%016x', (${c} >= 0) * 2, ${c}) END`;
const mysql = (text: TemplateStringsArray) => text.raw.join('').replaceAll('"', '`');

describe('point-in-time SQL per dialect', () => {
  describe("export account", () => {
    it('sqlite', () => {
      expect(statements(CASES["export account"], sqlite.compiler)).toEqual([
        {
          group: 'account',
          sql: `SELECT "w"."__k0" AS "__k0", "w"."__f0" AS "__f0", "w"."__f1" AS "__f1", max(${ordered('"w"."__e"')} || ${ordered('"w"."__c"')}) AS "__e" FROM (SELECT "src"."user_id" AS "__k0", ${ms('"src"."updated_at"')} AS "__e", ${ms('"src"."loaded_at"')} AS "__c", "src"."balance_eur" AS "__f0", ${ms('"src"."last_login"')} AS "__f1" FROM "app"."accounts" AS "src" WHERE "src"."user_id" IS NOT NULL LIMIT -1) AS "w" WHERE "w"."__e" BETWEEN ? AND ? GROUP BY "w"."__k0" ORDER BY "w"."__k0"`,
          parameters: [1706659200000, 1709251200000],
        },
      ]);
    });
    it('postgres', () => {
      expect(statements(CASES["export account"], postgres.compiler)).toEqual([
        {
          group: 'account',
          sql: `SELECT DISTINCT ON ("src"."user_id") "src"."user_id" AS "__k0", "src"."balance_eur" AS "__f0", floor(extract(epoch from ("src"."last_login")::timestamptz) * 1000)::float8 AS "__f1" FROM "app"."accounts" AS "src" WHERE "src"."user_id" IS NOT NULL AND CAST("src"."updated_at" AS timestamptz) < CAST($1 AS timestamptz) AND CAST("src"."updated_at" AS timestamptz) >= CAST($2 AS timestamptz) ORDER BY "src"."user_id", CAST("src"."updated_at" AS timestamptz) DESC, CAST("src"."loaded_at" AS timestamptz) DESC NULLS LAST`,
          parameters: ["2024-03-01T00:00:00.001Z", "2024-01-31T00:00:00.000Z"],
        },
      ]);
    });
    it('mysql', () => {
      expect(statements(CASES["export account"], mariadb.compiler)).toEqual([
        {
          group: 'account',
          sql: mysql`SELECT * FROM (SELECT "src"."user_id" AS "__k0", "src"."balance_eur" AS "__f0", ((TO_SECONDS(CAST("src"."last_login" AS DATETIME(6))) - 62167219200) * 1000 + MICROSECOND(CAST("src"."last_login" AS DATETIME(6))) DIV 1000) AS "__f1", ROW_NUMBER() OVER (PARTITION BY "src"."user_id" ORDER BY "src"."updated_at" DESC, "src"."loaded_at" DESC) AS "__rn" FROM "app"."accounts" AS "src" WHERE "src"."user_id" IS NOT NULL AND "src"."updated_at" < CAST(? AS DATETIME(3)) AND "src"."updated_at" >= CAST(? AS DATETIME(3))) AS "w" WHERE "w"."__rn" = 1 ORDER BY "w"."__k0"`,
          parameters: ["2024-03-01 00:00:00.001", "2024-01-31 00:00:00.000"],
        },
      ]);
    });
  });

  describe("export account known-at ttl override", () => {
    it('sqlite', () => {
      expect(statements(CASES["export account known-at ttl override"], sqlite.compiler)).toEqual([
        {
          group: 'account',
          sql: `SELECT "w"."__k0" AS "__k0", "w"."__f0" AS "__f0", max(${ordered('"w"."__e"')} || ${ordered('"w"."__c"')}) AS "__e" FROM (SELECT "src"."user_id" AS "__k0", ${ms('"src"."updated_at"')} AS "__e", ${ms('"src"."loaded_at"')} AS "__c", "src"."balance_eur" AS "__f0" FROM "app"."accounts" AS "src" WHERE "src"."user_id" IS NOT NULL LIMIT -1) AS "w" WHERE "w"."__e" BETWEEN ? AND ? AND ("w"."__c" IS NULL OR "w"."__c" < ?) GROUP BY "w"."__k0" ORDER BY "w"."__k0"`,
          parameters: [1708646400000, 1709251200000, 1709251200001],
        },
      ]);
    });
    it('postgres', () => {
      expect(statements(CASES["export account known-at ttl override"], postgres.compiler)).toEqual([
        {
          group: 'account',
          sql: `SELECT DISTINCT ON ("src"."user_id") "src"."user_id" AS "__k0", "src"."balance_eur" AS "__f0" FROM "app"."accounts" AS "src" WHERE "src"."user_id" IS NOT NULL AND CAST("src"."updated_at" AS timestamptz) < CAST($1 AS timestamptz) AND CAST("src"."updated_at" AS timestamptz) >= CAST($2 AS timestamptz) AND (CAST("src"."loaded_at" AS timestamptz) IS NULL OR CAST("src"."loaded_at" AS timestamptz) < CAST($3 AS timestamptz)) ORDER BY "src"."user_id", CAST("src"."updated_at" AS timestamptz) DESC, CAST("src"."loaded_at" AS timestamptz) DESC NULLS LAST`,
          parameters: ["2024-03-01T00:00:00.001Z", "2024-02-23T00:00:00.000Z", "2024-03-01T00:00:00.001Z"],
        },
      ]);
    });
    it('mysql', () => {
      expect(statements(CASES["export account known-at ttl override"], mariadb.compiler)).toEqual([
        {
          group: 'account',
          sql: mysql`SELECT * FROM (SELECT "src"."user_id" AS "__k0", "src"."balance_eur" AS "__f0", ROW_NUMBER() OVER (PARTITION BY "src"."user_id" ORDER BY "src"."updated_at" DESC, "src"."loaded_at" DESC) AS "__rn" FROM "app"."accounts" AS "src" WHERE "src"."user_id" IS NOT NULL AND "src"."updated_at" < CAST(? AS DATETIME(3)) AND "src"."updated_at" >= CAST(? AS DATETIME(3)) AND ("src"."loaded_at" IS NULL OR "src"."loaded_at" < CAST(? AS DATETIME(3)))) AS "w" WHERE "w"."__rn" = 1 ORDER BY "w"."__k0"`,
          parameters: ["2024-03-01 00:00:00.001", "2024-02-23 00:00:00.000", "2024-03-01 00:00:00.001"],
        },
      ]);
    });
  });

  describe("export spend keys", () => {
    it('sqlite', () => {
      expect(statements(CASES["export spend keys"], sqlite.compiler)).toEqual([
        {
          group: 'spend',
          sql: `SELECT "src"."customer_id" AS "__k0", "src"."shop_id" AS "__k1", "src"."total" AS "__f0", max(CAST(round(("src"."day") * 1000) AS INTEGER)) AS "__e" FROM (SELECT customer_id, shop_id, day, SUM(amount) AS total
FROM payments -- a comment at the end
GROUP BY 1, 2, 3
) AS "src" WHERE "src"."customer_id" IS NOT NULL AND "src"."shop_id" IS NOT NULL AND CAST(round(("src"."day") * 1000) AS INTEGER) < ? AND (("src"."customer_id" = ? AND "src"."shop_id" = ? AND "src"."shop_id" COLLATE BINARY = ? COLLATE BINARY) OR ("src"."customer_id" = ? AND "src"."shop_id" = ? AND "src"."shop_id" COLLATE BINARY = ? COLLATE BINARY)) GROUP BY "src"."customer_id", "src"."shop_id" COLLATE BINARY ORDER BY "src"."customer_id", "src"."shop_id" COLLATE BINARY`,
          parameters: [1709251200001, 1, "m1", "m1", 2, "m2", "m2"],
        },
      ]);
    });
    it('postgres', () => {
      expect(statements(CASES["export spend keys"], postgres.compiler)).toEqual([
        {
          group: 'spend',
          sql: `SELECT DISTINCT ON ("src"."customer_id", ("src"."shop_id")::text COLLATE "C") "src"."customer_id" AS "__k0", "src"."shop_id" AS "__k1", "src"."total" AS "__f0" FROM (SELECT customer_id, shop_id, day, SUM(amount) AS total
FROM payments -- a comment at the end
GROUP BY 1, 2, 3
) AS "src" WHERE "src"."customer_id" IS NOT NULL AND "src"."shop_id" IS NOT NULL AND floor(("src"."day")::numeric * 1000)::float8 < CAST($1 AS float8) AND (("src"."customer_id" = $2 AND "src"."shop_id" = $3 AND ("src"."shop_id")::text COLLATE "C" = ($4)::text COLLATE "C") OR ("src"."customer_id" = $5 AND "src"."shop_id" = $6 AND ("src"."shop_id")::text COLLATE "C" = ($7)::text COLLATE "C")) ORDER BY "src"."customer_id", ("src"."shop_id")::text COLLATE "C", floor(("src"."day")::numeric * 1000)::float8 DESC`,
          parameters: [1709251200001, 1, "m1", "m1", 2, "m2", "m2"],
        },
      ]);
    });
    it('mysql', () => {
      expect(statements(CASES["export spend keys"], mariadb.compiler)).toEqual([
        {
          group: 'spend',
          sql: mysql`SELECT * FROM (SELECT "src"."customer_id" AS "__k0", "src"."shop_id" AS "__k1", "src"."total" AS "__f0", ROW_NUMBER() OVER (PARTITION BY "src"."customer_id", CAST(CONVERT("src"."shop_id" USING utf8mb4) AS BINARY) ORDER BY CAST(FLOOR(("src"."day") * 1000) AS DOUBLE) DESC) AS "__rn" FROM (SELECT customer_id, shop_id, day, SUM(amount) AS total
FROM payments -- a comment at the end
GROUP BY 1, 2, 3
) AS "src" WHERE "src"."customer_id" IS NOT NULL AND "src"."shop_id" IS NOT NULL AND CAST(FLOOR(("src"."day") * 1000) AS DOUBLE) < ? AND (("src"."customer_id" = ? AND "src"."shop_id" = ? AND CAST(CONVERT("src"."shop_id" USING utf8mb4) AS BINARY) = CAST(CONVERT(? USING utf8mb4) AS BINARY)) OR ("src"."customer_id" = ? AND "src"."shop_id" = ? AND CAST(CONVERT("src"."shop_id" USING utf8mb4) AS BINARY) = CAST(CONVERT(? USING utf8mb4) AS BINARY)))) AS "w" WHERE "w"."__rn" = 1 ORDER BY "w"."__k0", CAST(CONVERT("w"."__k1" USING utf8mb4) AS BINARY)`,
          parameters: [1709251200001, 1, "m1", "m1", 2, "m2", "m2"],
        },
      ]);
    });
  });

  describe("export ledger known-at", () => {
    it('sqlite', () => {
      expect(statements(CASES["export ledger known-at"], sqlite.compiler)).toEqual([
        {
          group: 'ledger',
          sql: `SELECT "w"."__k0" AS "__k0", "w"."__f0" AS "__f0", max(${ordered('"w"."__e"')} || ${ordered('"w"."__c"')}) AS "__e" FROM (SELECT "src"."user_id" AS "__k0", ${ms('"src"."posted_at"')} AS "__e", ${ms('"src"."loaded_at"')} AS "__c", "src"."amount" AS "__f0" FROM "app"."ledger" AS "src" WHERE "src"."user_id" IS NOT NULL LIMIT -1) AS "w" WHERE "w"."__e" < ? AND ("w"."__c" IS NULL OR "w"."__c" < ?) GROUP BY "w"."__k0" ORDER BY "w"."__k0"`,
          parameters: [1709251200001, 1709251200001],
        },
      ]);
    });
    it('postgres', () => {
      expect(statements(CASES["export ledger known-at"], postgres.compiler)).toEqual([
        {
          group: 'ledger',
          sql: `SELECT DISTINCT ON ("src"."user_id") "src"."user_id" AS "__k0", "src"."amount" AS "__f0" FROM "app"."ledger" AS "src" WHERE "src"."user_id" IS NOT NULL AND CAST("src"."posted_at" AS timestamptz) < CAST($1 AS timestamptz) AND (CAST("src"."loaded_at" AS timestamptz) IS NULL OR CAST("src"."loaded_at" AS timestamptz) < CAST($2 AS timestamptz)) ORDER BY "src"."user_id", CAST("src"."posted_at" AS timestamptz) DESC, CAST("src"."loaded_at" AS timestamptz) DESC NULLS LAST`,
          parameters: ["2024-03-01T00:00:00.001Z", "2024-03-01T00:00:00.001Z"],
        },
      ]);
    });
    it('mysql', () => {
      // Rows of a key come newest created time first (NULL last) among those at its newest
      // event time; export keeps the first (repeatsKeys).
      const [g] = CASES["export ledger known-at"](mariadb.compiler).groups;
      expect(g!.repeatsKeys).toBe(true);
      expect(statements(CASES["export ledger known-at"], mariadb.compiler)).toEqual([
        {
          group: 'ledger',
          sql: mysql`SELECT "a"."user_id" AS "__k0", "a"."amount" AS "__f0" FROM "app"."ledger" AS "a" JOIN (SELECT SQL_BIG_RESULT "src"."user_id" AS "__k0", max("src"."posted_at") AS "__m" FROM "app"."ledger" AS "src" WHERE "src"."user_id" IS NOT NULL AND "src"."posted_at" < CAST(? AS DATETIME(3)) AND ("src"."loaded_at" IS NULL OR "src"."loaded_at" < CAST(? AS DATETIME(3))) GROUP BY "src"."user_id") AS "x" ON "a"."user_id" = "x"."__k0" AND "a"."posted_at" = "x"."__m" WHERE "a"."posted_at" < CAST(? AS DATETIME(3)) AND ("a"."loaded_at" IS NULL OR "a"."loaded_at" < CAST(? AS DATETIME(3))) ORDER BY "a"."user_id", "a"."loaded_at" DESC`,
          parameters: ["2024-03-01 00:00:00.001", "2024-03-01 00:00:00.001", "2024-03-01 00:00:00.001", "2024-03-01 00:00:00.001"],
        },
      ]);
    });
  });

  describe("export device static", () => {
    it('sqlite', () => {
      expect(statements(CASES["export device static"], sqlite.compiler)).toEqual([
        {
          group: 'device_info',
          sql: `SELECT * FROM (SELECT "src"."vendor" AS "__k0", "src"."serial" AS "__k1", "src"."model" AS "__f0", ROW_NUMBER() OVER (PARTITION BY "src"."vendor", "src"."serial") AS "__rn" FROM "device_info" AS "src" WHERE "src"."vendor" IS NOT NULL AND "src"."serial" IS NOT NULL) AS "w" WHERE "w"."__rn" = 1 ORDER BY "w"."__k0", "w"."__k1"`,
          parameters: [],
        },
      ]);
    });
    it('postgres', () => {
      expect(statements(CASES["export device static"], postgres.compiler)).toEqual([
        {
          group: 'device_info',
          sql: `SELECT DISTINCT ON ("src"."vendor", "src"."serial") "src"."vendor" AS "__k0", "src"."serial" AS "__k1", "src"."model" AS "__f0" FROM "device_info" AS "src" WHERE "src"."vendor" IS NOT NULL AND "src"."serial" IS NOT NULL ORDER BY "src"."vendor", "src"."serial"`,
          parameters: [],
        },
      ]);
    });
    it('mysql', () => {
      expect(statements(CASES["export device static"], mariadb.compiler)).toEqual([
        {
          group: 'device_info',
          sql: mysql`SELECT * FROM (SELECT "src"."vendor" AS "__k0", "src"."serial" AS "__k1", "src"."model" AS "__f0", ROW_NUMBER() OVER (PARTITION BY "src"."vendor", "src"."serial") AS "__rn" FROM "device_info" AS "src" WHERE "src"."vendor" IS NOT NULL AND "src"."serial" IS NOT NULL) AS "w" WHERE "w"."__rn" = 1 ORDER BY "w"."__k0", "w"."__k1"`,
          parameters: [],
        },
      ]);
    });
  });

  describe("join database", () => {
    it('sqlite', () => {
      expect(statements(CASES["join database"], sqlite.compiler)).toEqual([
        {
          group: 'account',
          sql: `SELECT * FROM (SELECT "l"."__i" AS "__i", "t".*, ROW_NUMBER() OVER (PARTITION BY "l"."__i" ORDER BY "t"."__e" DESC, CASE WHEN "t"."__c" IS NULL THEN 1 ELSE 0 END, "t"."__c" DESC) AS "__rn" FROM (SELECT CAST(json_extract("j".value, '$[0]') AS INTEGER) AS "__i", CAST(json_extract("j".value, '$[1]') AS REAL) AS "__t", CAST(json_extract("j".value, '$[2]') AS INTEGER) AS "__k0" FROM json_each(?) AS "j") AS "l" JOIN (SELECT "src"."user_id" AS "__k0", ${ms('"src"."updated_at"')} AS "__e", ${ms('"src"."loaded_at"')} AS "__c", "src"."balance_eur" AS "__f0" FROM "app"."accounts" AS "src") AS "t" ON "t"."__k0" = "l"."__k0" WHERE "t"."__e" <= "l"."__t" AND "t"."__e" >= "l"."__t" - 2592000000 AND ("t"."__c" IS NULL OR "t"."__c" <= "l"."__t")) AS "w" WHERE "w"."__rn" = 1`,
          parameters: ["\u0001labels:0"],
          labels: { form: 'json', positions: [0] },
        },
        {
          group: 'spend',
          sql: `SELECT * FROM (SELECT "l"."__i" AS "__i", "t".*, ROW_NUMBER() OVER (PARTITION BY "l"."__i" ORDER BY "t"."__e" DESC) AS "__rn" FROM (SELECT CAST(json_extract("j".value, '$[0]') AS INTEGER) AS "__i", CAST(json_extract("j".value, '$[1]') AS REAL) AS "__t", CAST(json_extract("j".value, '$[2]') AS INTEGER) AS "__k0", CAST(json_extract("j".value, '$[3]') AS TEXT) AS "__k1" FROM json_each(?) AS "j") AS "l" JOIN (SELECT "src"."customer_id" AS "__k0", "src"."shop_id" AS "__k1", CAST(round(("src"."day") * 1000) AS INTEGER) AS "__e", "src"."total" AS "__f0" FROM (SELECT customer_id, shop_id, day, SUM(amount) AS total
FROM payments -- a comment at the end
GROUP BY 1, 2, 3
) AS "src") AS "t" ON "t"."__k0" = "l"."__k0" AND "t"."__k1" = "l"."__k1" AND "t"."__k1" COLLATE BINARY = "l"."__k1" COLLATE BINARY WHERE "t"."__e" <= "l"."__t") AS "w" WHERE "w"."__rn" = 1`,
          parameters: ["\u0001labels:0"],
          labels: { form: 'json', positions: [0] },
        },
        {
          group: 'device_info',
          sql: `SELECT * FROM (SELECT "l"."__i" AS "__i", "t".*, ROW_NUMBER() OVER (PARTITION BY "l"."__i") AS "__rn" FROM (SELECT CAST(json_extract("j".value, '$[0]') AS INTEGER) AS "__i", CAST(json_extract("j".value, '$[1]') AS REAL) AS "__t", CAST(json_extract("j".value, '$[2]') AS INTEGER) AS "__k0", CAST(json_extract("j".value, '$[3]') AS INTEGER) AS "__k1" FROM json_each(?) AS "j") AS "l" JOIN (SELECT "src"."vendor" AS "__k0", "src"."serial" AS "__k1", "src"."model" AS "__f0" FROM "device_info" AS "src") AS "t" ON "t"."__k0" = "l"."__k0" AND "t"."__k1" = "l"."__k1") AS "w" WHERE "w"."__rn" = 1`,
          parameters: ["\u0001labels:0"],
          labels: { form: 'json', positions: [0] },
        },
      ]);
    });
    it('postgres', () => {
      expect(statements(CASES["join database"], postgres.compiler)).toEqual([
        {
          group: 'account',
          sql: `SELECT * FROM (SELECT "l"."__i" AS "__i", "t".*, ROW_NUMBER() OVER (PARTITION BY "l"."__i" ORDER BY "t"."__e" DESC, CASE WHEN "t"."__c" IS NULL THEN 1 ELSE 0 END, "t"."__c" DESC) AS "__rn" FROM unnest(($1)::int8[], ($2)::float8[], ($3)::int8[]) AS "l"("__i", "__t", "__k0") JOIN (SELECT "src"."user_id" AS "__k0", floor(extract(epoch from ("src"."updated_at")::timestamptz) * 1000)::float8 AS "__e", floor(extract(epoch from ("src"."loaded_at")::timestamptz) * 1000)::float8 AS "__c", "src"."balance_eur" AS "__f0" FROM "app"."accounts" AS "src") AS "t" ON "t"."__k0" = "l"."__k0" WHERE "t"."__e" <= "l"."__t" AND "t"."__e" >= "l"."__t" - 2592000000 AND ("t"."__c" IS NULL OR "t"."__c" <= "l"."__t")) AS "w" WHERE "w"."__rn" = 1`,
          parameters: ["\u0001labels:0", "\u0001labels:1", "\u0001labels:2"],
          labels: { form: 'arrays', positions: [0, 1, 2] },
        },
        {
          group: 'spend',
          sql: `SELECT * FROM (SELECT "l"."__i" AS "__i", "t".*, ROW_NUMBER() OVER (PARTITION BY "l"."__i" ORDER BY "t"."__e" DESC) AS "__rn" FROM unnest(($1)::int8[], ($2)::float8[], ($3)::int8[], ($4)::text[]) AS "l"("__i", "__t", "__k0", "__k1") JOIN (SELECT "src"."customer_id" AS "__k0", "src"."shop_id" AS "__k1", floor(("src"."day")::numeric * 1000)::float8 AS "__e", "src"."total" AS "__f0" FROM (SELECT customer_id, shop_id, day, SUM(amount) AS total
FROM payments -- a comment at the end
GROUP BY 1, 2, 3
) AS "src") AS "t" ON "t"."__k0" = "l"."__k0" AND "t"."__k1" = "l"."__k1" AND ("t"."__k1")::text COLLATE "C" = ("l"."__k1")::text COLLATE "C" WHERE "t"."__e" <= "l"."__t") AS "w" WHERE "w"."__rn" = 1`,
          parameters: ["\u0001labels:0", "\u0001labels:1", "\u0001labels:2", "\u0001labels:3"],
          labels: { form: 'arrays', positions: [0, 1, 2, 3] },
        },
        {
          group: 'device_info',
          sql: `SELECT * FROM (SELECT "l"."__i" AS "__i", "t".*, ROW_NUMBER() OVER (PARTITION BY "l"."__i") AS "__rn" FROM unnest(($1)::int8[], ($2)::float8[], ($3)::int8[], ($4)::int8[]) AS "l"("__i", "__t", "__k0", "__k1") JOIN (SELECT "src"."vendor" AS "__k0", "src"."serial" AS "__k1", "src"."model" AS "__f0" FROM "device_info" AS "src") AS "t" ON "t"."__k0" = "l"."__k0" AND "t"."__k1" = "l"."__k1") AS "w" WHERE "w"."__rn" = 1`,
          parameters: ["\u0001labels:0", "\u0001labels:1", "\u0001labels:2", "\u0001labels:3"],
          labels: { form: 'arrays', positions: [0, 1, 2, 3] },
        },
      ]);
    });
    it('mysql', () => {
      expect(statements(CASES["join database"], mariadb.compiler)).toEqual([
        {
          group: 'account',
          sql: mysql`SELECT * FROM (SELECT "l"."__i" AS "__i", "t".*, ROW_NUMBER() OVER (PARTITION BY "l"."__i" ORDER BY "t"."__e" DESC, CASE WHEN "t"."__c" IS NULL THEN 1 ELSE 0 END, "t"."__c" DESC) AS "__rn" FROM JSON_TABLE(?, '$[*]' COLUMNS ("__i" BIGINT PATH '$[0]', "__t" DOUBLE PATH '$[1]', "__k0" BIGINT PATH '$[2]')) AS "l" JOIN (SELECT "src"."user_id" AS "__k0", ((TO_SECONDS(CAST("src"."updated_at" AS DATETIME(6))) - 62167219200) * 1000 + MICROSECOND(CAST("src"."updated_at" AS DATETIME(6))) DIV 1000) AS "__e", ((TO_SECONDS(CAST("src"."loaded_at" AS DATETIME(6))) - 62167219200) * 1000 + MICROSECOND(CAST("src"."loaded_at" AS DATETIME(6))) DIV 1000) AS "__c", "src"."balance_eur" AS "__f0" FROM "app"."accounts" AS "src") AS "t" ON "t"."__k0" = "l"."__k0" WHERE "t"."__e" <= "l"."__t" AND "t"."__e" >= "l"."__t" - 2592000000 AND ("t"."__c" IS NULL OR "t"."__c" <= "l"."__t")) AS "w" WHERE "w"."__rn" = 1`,
          parameters: ["\u0001labels:0"],
          labels: { form: 'json', positions: [0] },
        },
        {
          group: 'spend',
          sql: mysql`SELECT * FROM (SELECT "l"."__i" AS "__i", "t".*, ROW_NUMBER() OVER (PARTITION BY "l"."__i" ORDER BY "t"."__e" DESC) AS "__rn" FROM JSON_TABLE(?, '$[*]' COLUMNS ("__i" BIGINT PATH '$[0]', "__t" DOUBLE PATH '$[1]', "__k0" BIGINT PATH '$[2]', "__k1" TEXT CHARACTER SET utf8mb4 PATH '$[3]')) AS "l" JOIN (SELECT "src"."customer_id" AS "__k0", "src"."shop_id" AS "__k1", CAST(FLOOR(("src"."day") * 1000) AS DOUBLE) AS "__e", "src"."total" AS "__f0" FROM (SELECT customer_id, shop_id, day, SUM(amount) AS total
FROM payments -- a comment at the end
GROUP BY 1, 2, 3
) AS "src") AS "t" ON "t"."__k0" = "l"."__k0" AND "t"."__k1" = "l"."__k1" AND CAST(CONVERT("t"."__k1" USING utf8mb4) AS BINARY) = CAST(CONVERT("l"."__k1" USING utf8mb4) AS BINARY) WHERE "t"."__e" <= "l"."__t") AS "w" WHERE "w"."__rn" = 1`,
          parameters: ["\u0001labels:0"],
          labels: { form: 'json', positions: [0] },
        },
        {
          group: 'device_info',
          sql: mysql`SELECT * FROM (SELECT "l"."__i" AS "__i", "t".*, ROW_NUMBER() OVER (PARTITION BY "l"."__i") AS "__rn" FROM JSON_TABLE(?, '$[*]' COLUMNS ("__i" BIGINT PATH '$[0]', "__t" DOUBLE PATH '$[1]', "__k0" BIGINT PATH '$[2]', "__k1" BIGINT PATH '$[3]')) AS "l" JOIN (SELECT "src"."vendor" AS "__k0", "src"."serial" AS "__k1", "src"."model" AS "__f0" FROM "device_info" AS "src") AS "t" ON "t"."__k0" = "l"."__k0" AND "t"."__k1" = "l"."__k1") AS "w" WHERE "w"."__rn" = 1`,
          parameters: ["\u0001labels:0"],
          labels: { form: 'json', positions: [0] },
        },
      ]);
    });
  });

  describe("join merge", () => {
    it('sqlite', () => {
      expect(statements(CASES["join merge"], sqlite.compiler)).toEqual([
        {
          group: 'account',
          // The stored times as they are: the driver reads them as epochMs would (scanTimesAt).
          sql: `SELECT "src"."user_id" AS "__k0", "src"."updated_at" AS "__e", "src"."loaded_at" AS "__c", "src"."balance_eur" AS "__f0" FROM "app"."accounts" AS "src"`,
          parameters: [],
          scanTimesAt: [1, 2],
        },
        {
          group: 'spend',
          sql: `SELECT "src"."customer_id" AS "__k0", "src"."shop_id" AS "__k1", CAST(round(("src"."day") * 1000) AS INTEGER) AS "__e", "src"."total" AS "__f0" FROM (SELECT customer_id, shop_id, day, SUM(amount) AS total
FROM payments -- a comment at the end
GROUP BY 1, 2, 3
) AS "src"`,
          parameters: [],
        },
        {
          group: 'device_info',
          sql: `SELECT "src"."vendor" AS "__k0", "src"."serial" AS "__k1", "src"."model" AS "__f0" FROM "device_info" AS "src"`,
          parameters: [],
        },
      ]);
    });
    it('postgres', () => {
      expect(statements(CASES["join merge"], postgres.compiler)).toEqual([
        {
          group: 'account',
          // The merge's scan leaves the floor to the millisecond to the driver (scanTimesAt).
          sql: `SELECT "src"."user_id" AS "__k0", extract(epoch from ("src"."updated_at")::timestamptz) AS "__e", extract(epoch from ("src"."loaded_at")::timestamptz) AS "__c", "src"."balance_eur" AS "__f0" FROM "app"."accounts" AS "src"`,
          parameters: [],
          scanTimesAt: [1, 2],
        },
        {
          group: 'spend',
          sql: `SELECT "src"."customer_id" AS "__k0", "src"."shop_id" AS "__k1", floor(("src"."day")::numeric * 1000)::float8 AS "__e", "src"."total" AS "__f0" FROM (SELECT customer_id, shop_id, day, SUM(amount) AS total
FROM payments -- a comment at the end
GROUP BY 1, 2, 3
) AS "src"`,
          parameters: [],
        },
        {
          group: 'device_info',
          sql: `SELECT "src"."vendor" AS "__k0", "src"."serial" AS "__k1", "src"."model" AS "__f0" FROM "device_info" AS "src"`,
          parameters: [],
        },
      ]);
    });
    it('mysql', () => {
      expect(statements(CASES["join merge"], mariadb.compiler)).toEqual([
        {
          group: 'account',
          sql: mysql`SELECT "src"."user_id" AS "__k0", ((TO_SECONDS(CAST("src"."updated_at" AS DATETIME(6))) - 62167219200) * 1000 + MICROSECOND(CAST("src"."updated_at" AS DATETIME(6))) DIV 1000) AS "__e", ((TO_SECONDS(CAST("src"."loaded_at" AS DATETIME(6))) - 62167219200) * 1000 + MICROSECOND(CAST("src"."loaded_at" AS DATETIME(6))) DIV 1000) AS "__c", "src"."balance_eur" AS "__f0" FROM "app"."accounts" AS "src"`,
          parameters: [],
        },
        {
          group: 'spend',
          sql: mysql`SELECT "src"."customer_id" AS "__k0", "src"."shop_id" AS "__k1", CAST(FLOOR(("src"."day") * 1000) AS DOUBLE) AS "__e", "src"."total" AS "__f0" FROM (SELECT customer_id, shop_id, day, SUM(amount) AS total
FROM payments -- a comment at the end
GROUP BY 1, 2, 3
) AS "src"`,
          parameters: [],
        },
        {
          group: 'device_info',
          sql: mysql`SELECT "src"."vendor" AS "__k0", "src"."serial" AS "__k1", "src"."model" AS "__f0" FROM "device_info" AS "src"`,
          parameters: [],
        },
      ]);
    });
  });
});
