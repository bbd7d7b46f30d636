/**
 * `export` (SPEC §3): one row per entity key with a visible row in any requested group,
 * sorted by key. Each group's latest-row-per-key query streams already sorted from the
 * database; the streams are merged here by key, so memory stays flat at any table size.
 *
 * The merge runs a driver batch at a time: rows arrive as arrays (keys, then features, in
 * SELECT-list order) and output rows leave as batches read in place, so the only await is
 * for the next batch of a group, not two or three per output row, and no object is made
 * per row. That per-row async stepping cost as much as the rest of the merge.
 */
import type { Database } from '../db/dialect.js';
import { SpellbookError } from '../errors.js';
import type { ExportPlan, GroupPlan } from '../plan/plan.js';
import type { Feature } from '../metadata/types.js';
import { inGroupWords } from './missing-object.js';
import type { RunStats } from './stats.js';
import { compareKeys, keyId, normaliseKeyValue, type KeyTuple, type KeyValue } from '../core/keys.js';
import { rowsOfBatch, type OutputRow, type RowBatch } from '../core/rows.js';
import { featureValue, normaliseValue, keyValueType, type Value } from '../core/values.js';

/** Output rows per batch: enough to make the writer's per-batch costs vanish, small enough to stay young garbage. */
const OUTPUT_ROWS = 1024;

/** One group's query, read a driver batch at a time; `key` is its current row's key, undefined once it has ended. */
class GroupCursor {
  private readonly batches: AsyncIterator<unknown[][]>;
  private rows: unknown[][] = [];
  private at = 0;
  private ended = false;
  key: KeyTuple | undefined;
  /** The current row (keys, then features). */
  row: unknown[] = [];

  constructor(
    db: Database,
    readonly read: GroupPlan,
  ) {
    this.batches = db.driver.arrayBatches(read.query)[Symbol.asyncIterator]();
    this.explain = (err: unknown) => inGroupWords(err, db.adapter, read);
  }

  /** Puts a failure of this group's query in the metadata's words. */
  private readonly explain: (err: unknown) => unknown;

  /** Whether the current batch is used up and the next must be awaited (`fill`) before `advance`. */
  get empty(): boolean {
    return this.at >= this.rows.length && !this.ended;
  }

  async fill(): Promise<void> {
    while (this.at >= this.rows.length && !this.ended) {
      const next = await this.batches.next().catch((err: unknown) => {
        throw this.explain(err);
      });
      if (next.done) this.ended = true;
      else {
        this.rows = next.value;
        this.at = 0;
      }
    }
  }

  /**
   * Moves to the next row of the current batch whose key fits its declared type; returns
   * false when the batch is used up first (then `fill`, and call again).
   */
  advance(): boolean {
    const types = this.read.group.entity.keyTypes;
    while (this.at < this.rows.length) {
      const row = this.rows[this.at++]!;
      const key: KeyValue[] = new Array<KeyValue>(types.length);
      let fits = true;
      for (let i = 0; i < types.length && fits; i++) {
        const v = normaliseKeyValue(row[i], types[i]!);
        if (v === undefined) fits = false;
        else key[i] = v;
      }
      if (!fits) continue; // a key that does not fit its declared type
      const order = this.key === undefined ? 1 : compareKeys(key, this.key);
      if (order === 0 && this.read.repeatsKeys) continue; // a key's later rows lost to its first
      if (order <= 0) {
        // The merge relies on the database's order matching ours; never guess past a mismatch.
        throw new SpellbookError('INTERNAL', `group ${this.read.group.name}: the database returned keys out of order (${JSON.stringify(this.key)} then ${JSON.stringify(key)})`);
      }
      this.key = key;
      this.row = row;
      return true;
    }
    if (this.ended) this.key = undefined;
    return this.ended;
  }

  /** Moves to the next row, awaiting the next batch when this one is used up. */
  async next(): Promise<void> {
    while (!this.advance()) await this.fill();
  }

  close(): Promise<unknown> | undefined {
    return this.batches.return?.();
  }
}

/** A feature's value where its read has no row: NULL, or 0 for a count over an empty window. */
function emptyValue(f: Feature): Value {
  return f.aggregate?.fn === 'count' ? 0 : null;
}

/** Output rows as one flat array of values, row after row. */
class ValuesBatch implements RowBatch<''> {
  readonly values: Value[] = [];
  length = 0;
  constructor(readonly width: number) {}
  prefix(): '' {
    return '';
  }
  value(row: number, feature: number): Value {
    return this.values[row * this.width + feature]!;
  }
}

/** The export's rows a batch at a time (what writeExport writes). */
export async function* runExportBatches(db: Database, plan: ExportPlan, stats?: RunStats): AsyncGenerator<RowBatch<''>> {
  const cursors = plan.groups.map((g) => new GroupCursor(db, g));
  const keyTypes = plan.entity.keyTypes.map(keyValueType);
  const keyCount = keyTypes.length;
  const width = plan.columns.length;
  let emitted = 0;
  // Only an export restricted to given keys remembers what it emitted, to name the misses.
  const found: Set<string> | undefined = plan.keys && stats ? new Set() : undefined;
  const here: boolean[] = cursors.map(() => false);
  try {
    await Promise.all(cursors.map((c) => c.next()));
    let batch = new ValuesBatch(width);
    while (plan.limit === undefined || emitted < plan.limit) {
      let min: KeyTuple | undefined;
      for (const c of cursors) if (c.key !== undefined && (min === undefined || compareKeys(c.key, min) < 0)) min = c.key;
      if (min === undefined) {
        if (found && stats) stats.unmatchedKeys = plan.keys!.filter((k) => !found.has(keyId(k)));
        break;
      }
      const values = batch.values;
      const base = batch.length * width;
      for (let i = 0; i < keyCount; i++) values[base + i] = normaliseValue(min[i], keyTypes[i]!);
      for (let gi = 0; gi < cursors.length; gi++) {
        const c = cursors[gi]!;
        const read = c.read;
        const matched = (here[gi] = c.key !== undefined && compareKeys(c.key, min) === 0);
        // Features go to their requested position; a key a read has no row for gets each
        // feature's empty value (SPEC §7: an empty window counts 0).
        for (let fi = 0; fi < read.features.length; fi++) {
          const f = read.features[fi]!.feature;
          values[base + keyCount + read.outputs[fi]!] = matched ? featureValue(c.row[keyCount + fi], read.group, f) : emptyValue(f);
        }
        if (matched && stats) stats.groups[gi]!.matched++;
      }
      batch.length++;
      found?.add(keyId(min));
      if (stats) stats.rows++;
      emitted++;
      for (let gi = 0; gi < cursors.length; gi++) if (here[gi] && !cursors[gi]!.advance()) await cursors[gi]!.next();
      if (batch.length >= OUTPUT_ROWS) {
        yield batch;
        batch = new ValuesBatch(width);
      }
    }
    if (batch.length > 0) yield batch;
  } finally {
    // Stops the remaining streams so their connections go back to the pool.
    await Promise.all(cursors.map((c) => c.close()));
  }
}

/** The export's rows one by one (the library's iterable); rows carry typed values (see Value). */
export async function* runExport(db: Database, plan: ExportPlan, stats?: RunStats): AsyncGenerator<OutputRow<''>> {
  for await (const batch of runExportBatches(db, plan, stats)) yield* rowsOfBatch(batch);
}
