/**
 * `join` (SPEC §3): for every label row, in input order, exactly one output row — the
 * label's columns, then each requested feature as visible at the label's time.
 * Two strategies give the same answers: the streaming merge (as-of-merge.ts) over one
 * unordered scan per group, or the database joining all the labels in one statement per group.
 */
import type { CompiledQuery, Database } from '../db/dialect.js';
import { LabelColumns, openLabels, readLabels, type Labels, type QueryLabelSource } from '../io/labels.js';
import { QUERY_SOURCE, queryLabelRows } from '../io/label-query.js';
import { labelRowLayout } from '../sql/label-queries.js';
import type { JoinPlan, GroupPlan } from '../plan/plan.js';
import { labelStatements } from '../sql/queries.js';
import { AsOfMerge, LabelIndex } from './as-of-merge.js';
import { ArrayRowDecoder } from './decode.js';
import { inGroupWords } from './missing-object.js';
import type { RunStats } from './stats.js';
import { FEATURE_ALIAS } from '../sql/group-columns.js';
import { rowsOfBatch, type CsvValues, type OutputRow, type RowBatch } from '../core/rows.js';
import { featureValue, type Value } from '../core/values.js';
import type { Feature, Group } from '../metadata/types.js';
import { FeatureColumn, featureColumns } from './feature-column.js';
import type { KeyDictionary } from '../core/key-dictionary.js';
import { startMerge, type EntityIndex, type LatestWinners, type StartedMerge, type Winners } from './parallel-merge.js';
import { mergeGroup } from './group-merge.js';
import { WindowMerge } from './window-merge.js';
import { mergePartitioned, partitionCount } from './partitioned-merge.js';
import { SpillFolder } from './spill.js';
import { capYoungGeneration, collectGarbage, holdOldGeneration } from '../util/heap.js';

export interface JoinHooks<P> {
  readonly encodePrefix: (fields: readonly string[]) => P;
  /** The same for a line of a labels CSV file without quotes (LabelsOptions.encodeLine). */
  readonly encodeLine?: (line: string, delimiter: string) => P;
  readonly onLabel?: () => void;
  /** Called as the join moves from reading labels to scanning groups to writing rows. */
  readonly onPhase?: (phase: 'scanning' | 'writing') => void;
  /** Filled as the join runs: rows produced, and per group the labels that matched a row. */
  readonly stats?: RunStats;
  /**
   * The writer copies values already written as CSV text (RowBatch.csv, a CSV file): a
   * merge worker then writes its groups' values so, while the main thread still scans.
   */
  readonly csvValues?: boolean;
}


export async function* runJoin<P>(db: Database, plan: JoinPlan, hooks: JoinHooks<P>): AsyncGenerator<OutputRow<P>> {
  for await (const batch of runJoinBatches(db, plan, hooks)) yield* rowsOfBatch(batch);
}

/**
 * The join's rows in label order, a batch at a time: what writing a file reads, since a
 * million rows one by one through async generators cost about as much as encoding them.
 */
export async function* runJoinBatches<P>(db: Database, plan: JoinPlan, hooks: JoinHooks<P>): AsyncGenerator<RowBatch<P>> {
  if (plan.statement !== undefined && plan.labels.kind === 'query') {
    yield* queryJoin(db, plan, plan.labels, plan.statement, hooks);
    return;
  }
  const releaseOld = holdOldGeneration();
  try {
    yield* labelsInMemoryJoin(db, plan, hooks);
  } finally {
    releaseOld();
  }
}

/** Every join but the one statement over a labels query: the labels are read into memory first. */
async function* labelsInMemoryJoin<P>(db: Database, plan: JoinPlan, hooks: JoinHooks<P>): AsyncGenerator<RowBatch<P>> {
  // A read another read's scan serves (plan.ts, mergeScans) gets its winners from that scan.
  const scans = plan.groups.filter((g) => g.scannedBy === undefined);
  // The merge's worker threads start now and scan while the labels are read, unless
  // --partitions already says the merge goes another way.
  const forcedPartitions = plan.partitions !== undefined && partitionCount(0, plan.partitions) > 1;
  const merging = plan.strategy === 'merge' && !forcedPartitions ? startMerge(db, scans, { csvValues: hooks.csvValues }) : undefined;
  let labels: Labels<P>;
  let winners: Winners[] = [];
  // The young generation is held from the labels on, through the scans (heap.ts).
  let releaseYoung = merging ? capYoungGeneration() : () => {};
  // Until their answers are in, a failure anywhere must end the workers: one waiting for
  // the labels' index would otherwise keep the process alive.
  try {
    labels = await readLabels(await openLabels(plan.labels, db), {
      timestampColumn: plan.timestampColumn,
      timestampUnit: plan.timestampUnit,
      entities: plan.entities,
      encodePrefix: hooks.encodePrefix,
      encodeLine: hooks.encodeLine,
      onRow: hooks.onLabel,
    });

    hooks.onPhase?.('scanning');
    const partitions = plan.strategy === 'merge' ? partitionCount(labels.count, plan.partitions) : 1;
    if (partitions > 1) {
      releaseYoung();
      merging?.stop();
      yield* partitionedJoin(db, plan, labels, hooks);
      return;
    }
    if (merging) {
      const indexes = new Map<string, EntityIndex>();
      for (const g of scans) {
        const name = g.group.entity.name;
        if (indexes.has(name)) continue;
        const { keyOfLabel, dictionary } = labels.entities.get(name)!;
        indexes.set(name, { dictionary, index: new LabelIndex(keyOfLabel, labels.times, dictionary.size) });
      }
      const entityOf = (g: GroupPlan): EntityIndex => indexes.get(g.group.entity.name)!;
      // The indexes hold all the merge reads of the labels' times and keys: their arrays
      // in input order (12 MB at 1M labels) are let go of, and collected, before the
      // scans, whose moment is the join's peak of memory.
      labels = withoutTimesAndKeys(labels);
      collectGarbage();
      const alongside = new Map<number, LatestWinners>();
      const scanned = await merging.finish(labels.count, entityOf, async (g) => {
        const { dictionary, index } = entityOf(g);
        try {
          if (g.operation !== 'window') return await mergeGroup(db, g, dictionary, index, labels.count);
          const both = await mergeWindows(db, g, g.alongside === undefined ? undefined : plan.groups[g.alongside], dictionary, index, labels.count);
          if (both.latest) alongside.set(g.alongside!, both.latest);
          return both.windows;
        } catch (err) {
          // A shared scan's failure is told in the words of both reads' features.
          const read = g.alongside === undefined ? g : { ...g, features: [...g.features, ...plan.groups[g.alongside]!.features] };
          throw inGroupWords(err, db.adapter, read);
        }
      });
      // Writing allocates as fast as scanning, with no worker's memory beside it any more.
      releaseYoung();
      winners = plan.groups.map((g) => (g.scannedBy === undefined ? scanned[scans.indexOf(g)]! : alongside.get(plan.groups.indexOf(g))!));
    } else {
      for (const g of plan.groups) {
        try {
          winners.push(await databaseGroup(db, g, labels));
        } catch (err) {
          throw inGroupWords(err, db.adapter, g);
        }
      }
    }
  } catch (err) {
    merging?.stop();
    releaseYoung();
    throw err;
  }

  if (hooks.stats) {
    winners.forEach((w, gi) => (hooks.stats!.groups[gi]!.matched = countMatched(w.slotOfLabel)));
  }
  hooks.onPhase?.('writing');
  // In the order of the requested features, whichever read computes each.
  const values = new Array<FeatureValues>(plan.features.length);
  winners.forEach((w, r) =>
    w.columns.forEach((column, f) => {
      const slotOfLabel = w.slotOfLabel;
      values[plan.groups[r]!.outputs[f]!] = (label) => {
        const slot = slotOfLabel[label]!;
        return slot < 0 ? null : column.get(slot);
      };
    }),
  );
  try {
    yield* labelBatches(labels, values, hooks, undefined, hooks.csvValues ? csvRuns(plan, winners, merging, labels.count) : undefined);
  } finally {
    // A worker writing CSV text ahead waits to be ended (or is ended mid-way: an error, Ctrl-C).
    merging?.stop();
  }
}

/**
 * The share of the labels whose rows the main thread writes from its own reads' values,
 * while a worker writes those values' CSV text for the rest. The worker takes about as
 * long over a label's values as the main thread over its whole row (both read the values
 * through their slots, a cache miss each), and starts a little later: at 1M labels on two
 * cores, with 40% here the main thread waited ~80 ms for the text; with 45% it need not.
 */
const WRITTEN_HERE = 0.45;

/**
 * The CSV text of reads a worker wrote, by the requested feature each starts at (RowBatch.csv):
 * a worker's own reads, written with its answer; and, where a worker is free to, the main
 * thread's, written from WRITTEN_HERE of the labels on while the main thread writes the
 * rows before. Only for a read of numbers, booleans or times whose features are requested
 * side by side, in order, as the text has them.
 */
function csvRuns(plan: JoinPlan, winners: readonly Winners[], merging: StartedMerge | undefined, labelCount: number): CsvRuns | undefined {
  const runs = new Array<CsvValues | undefined>(plan.features.length);
  const here: { at: number; read: LatestWinners }[] = [];
  winners.forEach((w, r) => {
    const outputs = plan.groups[r]!.outputs;
    if (!outputs.every((out, f) => out === outputs[0]! + f)) return;
    if (w.csv !== undefined) runs[outputs[0]!] = w.csv;
    else if (w.columns.every((c) => c instanceof FeatureColumn && c.holdsNumbers())) here.push({ at: outputs[0]!, read: w as LatestWinners });
  });
  const first = Math.floor(labelCount * WRITTEN_HERE);
  const texts = merging?.csvAhead && here.length > 0 ? merging.csvAhead(here.map((h) => h.read), first) : undefined;
  if (texts === undefined && runs.every((r) => r === undefined)) return undefined;
  return new CsvRuns(runs, texts && { first, at: here.map((h) => h.at), texts });
}

/** The CSV text a batch of rows can copy: the worker's own at once, the text it writes for this thread once a batch reaches its labels. */
class CsvRuns {
  constructor(
    private runs: readonly (CsvValues | undefined)[],
    private later?: { readonly first: number; readonly at: readonly number[]; readonly texts: Promise<CsvValues[]> },
  ) {
    // A join ended before it reaches them (an error) leaves no unheard rejection.
    later?.texts.catch(() => {});
  }

  /** The runs for a batch of the labels before `end`. */
  async upTo(end: number): Promise<readonly (CsvValues | undefined)[]> {
    const later = this.later;
    if (later !== undefined && end > later.first) {
      const runs = [...this.runs];
      (await later.texts).forEach((text, k) => (runs[later.at[k]!] = text));
      this.runs = runs;
      this.later = undefined;
    }
    return this.runs;
  }
}

/**
 * The labels without their times and key numbers in input order: the single-pass merge's
 * indexes hold what it reads of them, and what it still needs of the labels is their
 * count and prefixes.
 */
function withoutTimesAndKeys<P>(labels: Labels<P>): Labels<P> {
  const entities = new Map([...labels.entities].map(([name, e]) => [name, { ...e, keyOfLabel: new Int32Array(0) }]));
  return { ...labels, times: new Float64Array(0), entities };
}

/** Label i's value of one requested feature (for any label of the batch being written). */
type FeatureValues = (label: number) => Value;

/**
 * The output rows, a batch of labels at a time in input order: each label's prefix, and
 * its features' values read where the merge left them. `load` readies the values of the
 * batch's labels before it is written (the partitioned merge reads them from its files).
 */
async function* labelBatches<P>(
  labels: Labels<P>,
  values: readonly FeatureValues[],
  hooks: JoinHooks<P>,
  load?: (first: number, n: number) => void,
  csv?: CsvRuns,
): AsyncGenerator<RowBatch<P>> {
  let first = 0;
  for await (const prefixes of labels.prefixBatches()) {
    const at = first;
    load?.(at, prefixes.length);
    if (hooks.stats) hooks.stats.rows += prefixes.length;
    const runs = await csv?.upTo(at + prefixes.length);
    yield {
      length: prefixes.length,
      width: values.length,
      prefix: (r) => prefixes[r]!,
      value: (r, f) => values[f]!(at + r),
      ...(runs ? { csv: { first: at, runs } } : {}),
    };
    first += prefixes.length;
  }
}

/** The merge over key-hash partitions (partitioned-merge.ts): for label sets too large for one pass. */
async function* partitionedJoin<P>(db: Database, plan: JoinPlan, labels: Labels<P>, hooks: JoinHooks<P>): AsyncGenerator<RowBatch<P>> {
  const folder = new SpillFolder();
  try {
    const inGroup = async <T>(g: GroupPlan, work: () => Promise<T>): Promise<T> => {
      try {
        return await work();
      } catch (err) {
        throw inGroupWords(err, db.adapter, g);
      }
    };
    const { results, matched } = await mergePartitioned(db, plan.groups, labels, plan.partitions, folder, inGroup);
    if (hooks.stats) matched.forEach((m, gi) => (hooks.stats!.groups[gi]!.matched = m));
    hooks.onPhase?.('writing');
    // Where each group's features go among the requested ones.
    const values = new Array<FeatureValues>(plan.features.length);
    results.forEach((group, r) => plan.groups[r]!.outputs.forEach((out, f) => (values[out] = (label) => group.value(label, f))));
    yield* labelBatches(labels, values, hooks, (first, n) => results.forEach((group) => group.load(first, n)));
  } finally {
    folder.remove();
  }
}

function countMatched(slotOfLabel: Int32Array): number {
  let n = 0;
  for (const slot of slotOfLabel) if (slot >= 0) n++;
  return n;
}

/**
 * The database strategy over a labels query (SPEC §8): one statement computes every row,
 * the labels never leave the database. Rows arrive in order with a bad label (a NULL time
 * or key) first, so it is reported before any row is written; each row is checked with
 * the merge's own rules and messages.
 */
async function* queryJoin<P>(db: Database, plan: JoinPlan, source: QueryLabelSource, statement: CompiledQuery, hooks: JoinHooks<P>): AsyncGenerator<RowBatch<P>> {
  const check = new LabelColumns(QUERY_SOURCE, plan.inputColumns, plan);
  // In the order of the requested features, whichever group computes each; `at` is where
  // the statement's row holds it (its groups' features, in order, after the label's columns).
  const features = new Array<{ at: number; group: Group; feature: Feature; read: number }>(plan.features.length);
  const layout = labelRowLayout(source.columns.length, source.timeField !== undefined);
  let k = 0;
  plan.groups.forEach((g, gi) =>
    g.features.forEach((f, fi) => (features[g.outputs[fi]!] = { at: layout.feature(k++), group: g.group, feature: f.feature, read: gi })),
  );
  const width = features.length;
  const stats = hooks.stats;
  // Which groups matched the row at hand: one array for the run, not a Set per row.
  const seen = new Uint8Array(plan.groups.length);
  hooks.onPhase?.('writing');
  const encode = hooks.encodePrefix;
  for await (const batch of queryLabelRows(db, source, statement)) {
    // Row r's feature f at r * width + f: one array per batch, none per row.
    const values = new Array<Value>(batch.length * width);
    for (let r = 0; r < batch.length; r++) {
      const record = batch[r]!;
      const row = record.row;
      check.time(record);
      for (let e = 0; e < plan.entities.length; e++) check.checkKey(record, e);
      for (let f = 0; f < width; f++) values[r * width + f] = featureValue(row[features[f]!.at], features[f]!.group, features[f]!.feature);
      if (stats) {
        // One statement answers every group: a label counts as matched by a group when one
        // of its features has a value (a winning row whose features are all NULL is not told apart).
        stats.rows++;
        seen.fill(0);
        for (let f = 0; f < width; f++) if (values[r * width + f] !== null) seen[features[f]!.read] = 1;
        for (let g = 0; g < seen.length; g++) stats.groups[g]!.matched += seen[g]!;
      }
    }
    // The label fields are encoded only if the writer asks for the prefix: the CSV writer
    // copies the fields themselves (RowBatch.fields).
    yield { length: batch.length, width, prefix: (r) => encode(batch[r]!.fields), fields: (r) => batch[r]!.fields, value: (r, f) => values[r * width + f]! };
  }
}

/**
 * Aggregates over windows (SPEC §7) from the same unordered scan: see window-merge.ts.
 * With `latest` (the group's plain features, planned to share this scan), the same rows
 * also feed that read's as-of merge, exactly as mergeGroup would.
 */
async function mergeWindows(
  db: Database,
  g: GroupPlan,
  latest: GroupPlan | undefined,
  dictionary: KeyDictionary,
  index: LabelIndex,
  labelCount: number,
): Promise<{ windows: Winners; latest?: LatestWinners }> {
  const merge = new WindowMerge(index, g.group, g.features.map((f) => f.feature), g.rules);
  const decoder = new ArrayRowDecoder(g.group, g.scan?.width ?? g.features.length);
  // Where each feature's value is in a row: the scan reads a column shared by several features once.
  const at = (read: GroupPlan) => read.features.map((_, f) => decoder.featurePositions[read.scan?.positions[f] ?? f]!);
  const positions = at(g);
  const latestPositions = latest ? at(latest) : [];
  let row: readonly unknown[] = [];
  const value = (f: number): unknown => row[positions[f]!];
  const asOf = latest && new AsOfMerge(index, latest.rules);
  const columns = latest ? featureColumns(latest, labelCount) : [];
  for await (const batch of db.driver.arrayBatches(g.query)) {
    for (row of batch) {
      const key = decoder.keyNumber(row, dictionary);
      if (key < 0) continue;
      const event = decoder.event(row);
      if (event !== event) continue; // a NULL event time never counts, nor is it ever visible
      const created = decoder.created(row);
      merge.offer(key, event, created, value);
      if (asOf) {
        const slot = asOf.offer(key, event, created);
        if (slot >= 0) for (let f = 0; f < columns.length; f++) columns[f]!.set(slot, row[latestPositions[f]!]);
      }
    }
  }
  return { windows: { slotOfLabel: index.positionOfLabel(), columns: merge.finish() }, ...(asOf ? { latest: { slotOfLabel: asOf.resolve(), columns } } : {}) };
}

async function databaseGroup(db: Database, g: GroupPlan, labels: Labels<unknown>): Promise<Winners> {
  const { dictionary, keyOfLabel } = labels.entities.get(g.group.entity.name)!;
  // Here a label's slot is the label itself. Every label has a row from a window read
  // (count 0 for an empty window); from a latest read only labels with a visible row do.
  const slotOfLabel = new Int32Array(labels.count).fill(-1);
  const columns = featureColumns(g, labels.count);
  const aliases = g.features.map((_, i) => FEATURE_ALIAS(i));
  const query = { ...g.query, labels: g.labels! };
  const labelRow = (i: number) => [i, labels.times[i], ...dictionary.key(keyOfLabel[i]!)];
  for (const statement of labelStatements(query, db.adapter.maxStatementBytes, labels.count, labelRow)) {
    for await (const row of db.driver.stream(statement)) {
      const label = Number(row['__i']);
      slotOfLabel[label] = label;
      columns.forEach((column, f) => column.set(label, row[aliases[f]!]));
    }
  }
  return { slotOfLabel, columns };
}
