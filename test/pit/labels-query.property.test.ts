/**
 * SPEC §8, property-based: the same labels as a file and as a query on the features'
 * database give the same training set, on every engine and both strategies, for latest
 * values and for windowed aggregates (§7) of the same group in one request. The query's
 * rows come in §8's fixed order, so the file's rows are put in that order here (by time,
 * then key by refCompareKeys, then the other columns' text by code point) and compared
 * row for row: label columns exactly, features against the SPEC §2 and §7 references (a
 * full tie may be won by either row; values are multiples of 1/8, so sums are exact in
 * any order). Labels share times and keys often, and duplicates occur.
 */
import fc from 'fast-check';
import { expect, it } from 'vitest';
import { openSpellbook, type Row } from '../../src/index.js';
import { describeEngines, propertyRuns, type EngineContext, JOIN_RUNS } from '../support/engines.js';
import { refAggregate, refCompareKeys, refCompareKeyValues, refWinners, type RefAggregate, type RefRow } from '../support/reference.js';
import { createTable, naiveUtc } from '../support/tables.js';
import { tempDir, writeFile, writeMetadata } from '../support/cli.js';

const BASE = Date.UTC(2024, 0, 1);
const HOUR = 3_600_000;
const RUNS = Math.min(20, Number(process.env.SPELLBOOK_PROPERTY_RUNS ?? 20));

const keyInt = fc.constantFrom(1, 2, 11);
const keyStr = fc.constantFrom('2', 'a', 'A', 'a ', 'p,q', 'ü');
const grid = fc.integer({ min: 0, max: 5 }).map((h) => BASE + h * HOUR);
const rowArb = fc.record({
  k1: keyInt,
  k2: keyStr,
  event: fc.option(grid, { nil: null, freq: 12 }),
  created: fc.option(grid, { nil: null, freq: 3 }),
  v: fc.option(fc.integer({ min: -40, max: 40 }).map((n) => n / 8), { nil: null }),
});
const labelArb = fc.record({
  k1: keyInt,
  k2: keyStr,
  t: fc.tuple(grid, fc.constantFrom(0, 0, 1, -1)).map(([g, d]) => g + d),
  note: fc.option(fc.constantFrom('', 'x', 'X', 'y', 'é', '10', '9'), { nil: null }),
});
const scenarioArb = fc.record({
  rows: fc.array(rowArb, { maxLength: 25, size: 'max' }),
  labels: fc.array(labelArb, { minLength: 1, maxLength: 20, size: 'max' }),
  knownAt: fc.boolean(),
  windowHours: fc.integer({ min: 1, max: 4 }),
});
type Scenario = typeof scenarioArb extends fc.Arbitrary<infer T> ? T : never;

let n = 0;

async function load(ctx: EngineContext, s: Scenario) {
  const table = `feat_${++n}`;
  const labelsTable = `labels_${n}`;
  await createTable(
    ctx,
    table,
    { k1: 'int', k2: 'string', ev: 'time', cr: 'time', v: 'float' },
    s.rows.map((r) => ({ k1: r.k1, k2: r.k2, ev: r.event, cr: r.created, v: r.v })),
  );
  await createTable(ctx, labelsTable, { k1: 'int', k2: 'string', ts: 'time', note: 'string' }, s.labels.map((l) => ({ k1: l.k1, k2: l.k2, ts: l.t, note: l.note })));
  const dir = tempDir();
  const metadata = writeMetadata(dir, {
    version: 1,
    connection: ctx.connection,
    entities: [{ name: 'thing', key: ['k1', 'k2'], type: ['int', 'string'] }],
    groups: [
      {
        name: 'g',
        entity: 'thing',
        table,
        event_time: 'ev',
        created_time: 'cr',
        features: [{ name: 'v', type: 'float' }, ...aggregates(s).map(({ ref, hours, ...f }) => ({ ...f, window: `${hours}h` }))],
      },
    ],
  });
  // The values as the query writes them: a native timestamp as ISO 8601 UTC; SQLite's stored text as it is.
  const written = (t: number) => (ctx.engine === 'sqlite' ? naiveUtc(t) : new Date(t).toISOString());
  const csvField = (x: string) => (/[",\r\n]/.test(x) ? `"${x.replace(/"/g, '""')}"` : x);
  const labels = writeFile(
    dir,
    'labels.csv',
    ['k1,k2,event_timestamp,note', ...s.labels.map((l) => `${l.k1},${csvField(l.k2)},${written(l.t)},${csvField(l.note ?? '')}`)].join('\n') + '\n',
  );
  return { metadata, labels, query: `SELECT k1, k2, ts AS event_timestamp, note FROM ${labelsTable}` };
}

const LABEL_COLUMNS = ['k1', 'k2', 'event_timestamp', 'note'] as const;

/** The group's aggregates of v: every function, a count of rows, two windows (possibly equal). */
function aggregates(s: Scenario) {
  const f = (name: string, type: string, fn: RefAggregate['fn'], hours: number, ofRows = false) => ({
    name,
    type,
    ...(ofRows ? {} : { column: 'v' }),
    aggregate: fn,
    hours,
    ref: { fn, windowMs: hours * HOUR, ...(ofRows ? {} : { column: 0 }) } as RefAggregate,
  });
  return [
    f('rows_n', 'int', 'count', s.windowHours, true),
    f('v_n', 'int', 'count', 2),
    f('v_sum', 'float', 'sum', s.windowHours),
    f('v_avg', 'float', 'avg', 2),
    f('v_min', 'float', 'min', s.windowHours),
    f('v_max', 'float', 'max', 2),
  ];
}

/** SPEC §8's order, written out independently of src/: time, key, then the columns' text by code point. */
function fixedOrder(rows: { row: Row; label: Scenario['labels'][number] }[]) {
  return [...rows].sort(
    (a, b) =>
      a.label.t - b.label.t ||
      refCompareKeys([a.label.k1, a.label.k2], [b.label.k1, b.label.k2]) ||
      LABEL_COLUMNS.reduce((c, col) => c || refCompareKeyValues(String(a.row[col]), String(b.row[col])), 0),
  );
}


describeEngines('labels from a query give the training set of the same labels in a file', (ctx, engine) => {
  it('for random labels and rows, on both strategies, latest values and aggregates alike', async () => {
    await fc.assert(
      fc.asyncProperty(scenarioArb, async (s) => {
        const { metadata, labels, query } = await load(ctx(), s);
        const refRows: RefRow[] = s.rows.map((r) => ({ key: [r.k1, r.k2], event: r.event, created: r.created, values: [r.v] }));
        const rules = { knownAt: s.knownAt };
        const windows = aggregates(s);
        // A plain feature between aggregates of the same group: the output keeps the request's order.
        const features = ['g.rows_n', 'g.v_sum', 'g.v', ...windows.slice(1).filter((a) => a.name !== 'v_sum').map((a) => `g.${a.name}`)];
        const check = (row: Row, label: Scenario['labels'][number], where: string) => {
          const allowed = refWinners(refRows, [label.k1, label.k2], label.t, rules).map((r) => r.values[0]);
          if (allowed.length === 0) expect(row['v'], where).toBeNull();
          else expect(allowed, where).toContain(row['v']);
          const want = Object.fromEntries(windows.map((a) => [a.name, refAggregate(refRows, [label.k1, label.k2], label.t, a.ref, s.knownAt)]));
          expect(Object.fromEntries(windows.map((a) => [a.name, row[a.name]])), where).toEqual(want);
        };
        const book = await openSpellbook({ metadata });
        try {
          const fromFile: { row: Row; label: Scenario['labels'][number] }[] = [];
          for (const { strategy, partitions, name } of JOIN_RUNS) {
            let i = 0;
            for await (const row of book.join({ features, inputFile: labels, knownAt: s.knownAt, strategy, partitions })) {
              const label = s.labels[i]!;
              check(row, label, `file ${name} row ${i++}`);
              if (name === 'merge') fromFile.push({ row, label });
            }
            expect(i, `file ${name}`).toBe(s.labels.length);
          }
          const expected = fixedOrder(fromFile);
          // The merge also runs over 3 key-hash partitions: a query's labels are read twice there too.
          for (const { strategy, partitions, name } of JOIN_RUNS) {
            const got: Row[] = [];
            for await (const row of book.join({ features, inputQuery: query, knownAt: s.knownAt, strategy, partitions })) got.push(row);
            expect(got.length, name).toBe(expected.length);
            got.forEach((row, j) => {
              const { row: want, label } = expected[j]!;
              const where = `query ${name} row ${j}`;
              expect(Object.keys(row), where).toEqual(Object.keys(want));
              expect(LABEL_COLUMNS.map((c) => row[c]), where).toEqual(LABEL_COLUMNS.map((c) => want[c]));
              check(row, label, where);
            });
          }
        } finally {
          await book.close();
        }
      }),
      { numRuns: propertyRuns(engine, RUNS) },
    );
  }, 300_000);
});
