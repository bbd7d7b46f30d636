/**
 * Property-based proof that windowed aggregates (SPEC §7) from export and both join
 * strategies agree with the brute-force reference (test/support/reference.ts) on every
 * engine: random raw events and labels on a coarse hour grid, so equal event times,
 * NULL event and created times, NULL values, labels exactly on an event time, exactly on
 * `t - window` (the row has just left) and one millisecond either side are all common,
 * with and without --known-at. Keys are composite (int, string) with strings that
 * collide under case-insensitive or pad-space collations; on SQLite the stored times mix
 * both ISO text forms. vitest.config.ts runs this file with TZ east and west of UTC too.
 *
 * Values are multiples of 1/8, so every sum is exact in binary floating point whatever
 * the order of the additions: results must be equal, not merely close. (With arbitrary
 * floats, the strategies may differ in the last bits of a sum: see window-examples.)
 */
import fc from 'fast-check';
import { expect, it } from 'vitest';
import { openSpellbook } from '../../src/index.js';
import { describeEngines, propertyRuns, type EngineContext, JOIN_RUNS } from '../support/engines.js';
import { refAggregate, refCompareKeys, refHasWindowRow, type RefAggregate, type RefRow } from '../support/reference.js';
import { createTable, naiveUtc } from '../support/tables.js';
import { tempDir, writeFile, writeMetadata } from '../support/cli.js';

type KeyTuple = readonly (string | number)[];

const BASE = Date.UTC(2024, 0, 1);
const HOUR = 3_600_000;
const RUNS = Number(process.env.SPELLBOOK_PROPERTY_RUNS ?? 30);

const keyInt = fc.constantFrom(1, 2, 11);
const keyStr = fc.constantFrom('2', 'a', 'A', 'a ', 'ü', '日本', '\u{1F600}');
const grid = fc.integer({ min: 0, max: 8 }).map((h) => BASE + h * HOUR);
const value = fc.option(fc.integer({ min: -40, max: 40 }).map((n) => n / 8), { nil: null, freq: 5 });
const text = fc.option(fc.constantFrom('b', 'B', 'ab', 'é', '\u{1F600}', '\uFFFD'), { nil: null, freq: 4 });

const rowArb = fc.record({
  k1: keyInt,
  k2: keyStr,
  event: fc.option(grid, { nil: null, freq: 10 }),
  created: fc.option(grid, { nil: null, freq: 3 }),
  v: value,
  s: text,
  isoT: fc.boolean(),
});
const labelArb = fc.record({
  k1: keyInt,
  k2: keyStr,
  t: fc.tuple(grid, fc.constantFrom(0, 0, 1, -1)).map(([g, d]) => g + d),
});
const scenarioArb = fc.record({
  rows: fc.array(rowArb, { maxLength: 30, size: 'max' }),
  labels: fc.array(labelArb, { minLength: 1, maxLength: 20, size: 'max' }),
  shortHours: fc.integer({ min: 1, max: 3 }),
  longHours: fc.integer({ min: 1, max: 5 }),
  knownAt: fc.boolean(),
  snapshot: labelArb.map((l) => l.t),
});
type Scenario = typeof scenarioArb extends fc.Arbitrary<infer T> ? T : never;

/** The features under test: every function, a count of rows and of a column, two windows (possibly equal). */
function features(s: Scenario): { name: string; type: string; column?: string; aggregate: RefAggregate['fn']; windowHours: number; ref: RefAggregate }[] {
  const short = s.shortHours, long = s.longHours;
  const f = (name: string, type: string, fn: RefAggregate['fn'], hours: number, column?: 'v' | 's') => ({
    name,
    type,
    ...(column ? { column } : {}),
    aggregate: fn,
    windowHours: hours,
    ref: { fn, windowMs: hours * HOUR, ...(column ? { column: column === 'v' ? 0 : 1 } : {}) },
  });
  return [
    f('rows_short', 'int', 'count', short),
    f('v_count_long', 'int', 'count', long, 'v'),
    f('v_sum_short', 'float', 'sum', short, 'v'),
    f('v_avg_long', 'float', 'avg', long, 'v'),
    f('v_min_short', 'float', 'min', short, 'v'),
    f('v_max_long', 'float', 'max', long, 'v'),
    f('s_min_long', 'string', 'min', long, 's'),
    f('s_max_short', 'string', 'max', short, 's'),
  ];
}

let tableNumber = 0;

async function load(ctx: EngineContext, s: Scenario): Promise<{ metadata: string; labels: string }> {
  const table = `events_${++tableNumber}`;
  const sqliteText = (ms: number | null, isoT: boolean) => (ms === null ? null : isoT ? new Date(ms).toISOString() : naiveUtc(ms));
  await createTable(
    ctx,
    table,
    { k1: 'int', k2: 'string', ev: 'time', cr: 'time', v: 'float', s: 'string' },
    s.rows.map((r) => ({
      k1: r.k1,
      k2: r.k2,
      ev: ctx.engine === 'sqlite' ? sqliteText(r.event, r.isoT) : r.event,
      cr: ctx.engine === 'sqlite' ? sqliteText(r.created, !r.isoT) : r.created,
      v: r.v,
      s: r.s,
    })),
  );
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
        ttl: '1h', // applies to plain features only: never to a window
        features: features(s).map(({ name, type, column, aggregate, windowHours }) => ({ name, type, ...(column ? { column } : {}), aggregate, window: `${windowHours}h` })),
      },
    ],
  });
  const csvField = (x: string) => (/[",\r\n]/.test(x) ? `"${x.replace(/"/g, '""')}"` : x);
  const labels = writeFile(dir, 'labels.csv', ['n,k1,k2,event_timestamp', ...s.labels.map((l, i) => `${i},${l.k1},${csvField(l.k2)},${new Date(l.t).toISOString()}`)].join('\n') + '\n');
  return { metadata, labels };
}

const refRows = (s: Scenario): RefRow[] => s.rows.map((r) => ({ key: [r.k1, r.k2], event: r.event, created: r.created, values: [r.v, r.s] }));

describeEngines('windowed aggregates agree with the SPEC §7 reference', (ctx, engine) => {
  it('for random events and labels, on both join strategies and export', async () => {
    if (process.env.TZ) expect(new Date(BASE).getTimezoneOffset()).not.toBe(0); // the TZ runs really run elsewhere
    await fc.assert(
      fc.asyncProperty(scenarioArb, async (s) => {
        const { metadata, labels } = await load(ctx(), s);
        const rows = refRows(s);
        const fs = features(s);
        const names = fs.map((f) => `g.${f.name}`);
        const book = await openSpellbook({ metadata });
        try {
          // The merge also runs over 3 key-hash partitions (the aggregates go through them too).
          for (const { strategy, partitions, name } of JOIN_RUNS) {
            let i = 0;
            for await (const out of book.join({ features: names, inputFile: labels, knownAt: s.knownAt, strategy, partitions })) {
              const l = s.labels[i]!;
              expect(out['n'], name).toBe(String(i));
              const expected = Object.fromEntries(fs.map((f) => [f.name, refAggregate(rows, [l.k1, l.k2], l.t, f.ref, s.knownAt)]));
              expect(Object.fromEntries(fs.map((f) => [f.name, out[f.name]])), `${name} label ${i} at ${new Date(l.t).toISOString()}`).toEqual(expected);
              i++;
            }
            expect(i).toBe(s.labels.length);
          }

          const exported: { key: KeyTuple; out: Record<string, unknown> }[] = [];
          for await (const out of book.export({ features: names, snapshot: s.snapshot, knownAt: s.knownAt })) {
            exported.push({ key: [out['k1'] as number, out['k2'] as string], out });
          }
          const longest = Math.max(s.shortHours, s.longHours) * HOUR;
          const keys = [...new Map(rows.map((r) => [JSON.stringify(r.key), r.key as KeyTuple])).values()].filter((k) => refHasWindowRow(rows, k, s.snapshot, longest, s.knownAt));
          keys.sort(refCompareKeys);
          expect(exported.map((e) => e.key)).toEqual(keys);
          for (const e of exported) {
            const expected = Object.fromEntries(fs.map((f) => [f.name, refAggregate(rows, e.key, s.snapshot, f.ref, s.knownAt)]));
            expect(Object.fromEntries(fs.map((f) => [f.name, e.out[f.name]])), `export ${JSON.stringify(e.key)}`).toEqual(expected);
          }
        } finally {
          await book.close();
        }
      }),
      { numRuns: propertyRuns(engine, RUNS) },
    );
  }, 300_000);
});
