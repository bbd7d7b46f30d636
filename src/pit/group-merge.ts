/**
 * One latest-value read's as-of merge, fed a scan's row batches (see as-of-merge.ts), and
 * the scan that may start before the labels are known: a merge worker begins its scan
 * while the main thread still reads the labels, keeping the rows it cannot merge yet in
 * compact columns (ScanBuffer), and merges them once the labels' index arrives.
 */
import type { Database } from '../db/dialect.js';
import type { KeyDictionary } from '../core/key-dictionary.js';
import { normaliseKeyValue, type KeyValue } from '../core/keys.js';
import type { GroupPlan } from '../plan/plan.js';
import { AsOfMerge, type LabelIndex } from './as-of-merge.js';
import { ArrayRowDecoder } from './decode.js';
import { NO_TIME } from '../core/visibility.js';
import { featureColumns, type FeatureColumn } from './feature-column.js';
import type { LatestWinners } from './parallel-merge.js';
import { collectGarbage } from '../util/heap.js';

/** What a merge needs of the labels: one entity's keys and index, and how many labels there are. */
export interface EntityLabels {
  readonly dictionary: KeyDictionary;
  readonly index: LabelIndex;
  readonly labelCount: number;
}

/**
 * At most this many rows wait for the labels (about 45 MB for a group of two numeric
 * features); the scan then pauses until they come. At scale 1 (1M labels, 1M rows a
 * group) reading the labels takes about as long as scanning a group, so most of a group fits.
 */
export const WAITING_ROWS = 1 << 20;

export class GroupMerge {
  private readonly merge: AsOfMerge;
  private readonly decoder: ArrayRowDecoder;
  private readonly columns: FeatureColumn[];
  private readonly positions: readonly number[];

  constructor(
    g: GroupPlan,
    private readonly dictionary: KeyDictionary,
    index: LabelIndex,
    labelCount: number,
  ) {
    this.merge = new AsOfMerge(index, g.rules);
    this.decoder = new ArrayRowDecoder(g.group, g.features.length);
    this.columns = featureColumns(g, labelCount);
    this.positions = this.decoder.featurePositions;
  }

  offerBatch(batch: readonly (readonly unknown[])[]): void {
    const { decoder, dictionary, merge, columns, positions } = this;
    for (const row of batch) {
      const key = decoder.keyNumber(row, dictionary);
      if (key < 0) continue;
      const event = decoder.event(row);
      // NaN (a NULL event time) is never visible; rows later than every label of their
      // key win no slot.
      if (event !== event) continue;
      const slot = merge.offer(key, event, decoder.created(row));
      if (slot >= 0) for (let f = 0; f < columns.length; f++) columns[f]!.set(slot, row[positions[f]!]);
    }
  }

  /** The rows a scan kept while the labels were read, offered as offerBatch would have. */
  offerWaiting(buffer: ScanBuffer): void {
    const { dictionary, merge, columns } = this;
    for (const chunk of buffer.chunks) {
      for (let r = 0; r < chunk.keys.length; r++) {
        const key = dictionary.lookupValue(chunk.keys[r]!);
        if (key < 0) continue;
        const slot = merge.offer(key, chunk.events[r]!, chunk.created === undefined ? NO_TIME : chunk.created[r]!);
        if (slot >= 0) for (let f = 0; f < columns.length; f++) columns[f]!.set(slot, chunk.features[f]!.get(r));
      }
    }
  }

  winners(): LatestWinners {
    return { slotOfLabel: this.merge.resolve(), columns: this.columns };
  }
}

/** One group's winners by the streaming merge: one scan of its rows against the labels' index. */
export async function mergeGroup(db: Database, g: GroupPlan, dictionary: KeyDictionary, index: LabelIndex, labelCount: number): Promise<LatestWinners> {
  const merge = new GroupMerge(g, dictionary, index, labelCount);
  for await (const batch of db.driver.arrayBatches(g.query)) merge.offerBatch(batch);
  return merge.winners();
}

/**
 * mergeGroup for a scan that starts before the labels are read: rows are kept (up to
 * WAITING_ROWS) until `labels` resolves, then merged, and the rest of the scan merges
 * as it comes. The answer is mergeGroup's: the merge does not depend on row order.
 * Composite keys wait for the labels before the scan starts.
 */
export async function mergeGroupEarly(db: Database, g: GroupPlan, labels: Promise<EntityLabels>): Promise<LatestWinners> {
  if (g.group.entity.keyTypes.length !== 1) {
    const { dictionary, index, labelCount } = await labels;
    return mergeGroup(db, g, dictionary, index, labelCount);
  }
  let known: EntityLabels | undefined;
  const arrived = labels.then((l) => (known = l));
  const scan = db.driver.arrayBatches(g.query)[Symbol.asyncIterator]();
  const buffer = new ScanBuffer(g);
  let done = false;
  try {
    while (known === undefined && buffer.rows < WAITING_ROWS) {
      const next = await scan.next();
      if (next.done) {
        done = true;
        break;
      }
      buffer.add(next.value);
    }
    const { dictionary, index, labelCount } = await arrived;
    const merge = new GroupMerge(g, dictionary, index, labelCount);
    merge.offerWaiting(buffer);
    buffer.clear();
    // The kept rows (up to ~45 MB) would stay resident until the thread's next full
    // collection, which the rest of the scan may not bring: at scale 1 that was the
    // moment of the join's peak.
    collectGarbage();
    while (!done) {
      const next = await scan.next();
      if (next.done) done = true;
      else merge.offerBatch(next.value);
    }
    return merge.winners();
  } finally {
    // Ends the statement if the merge stopped before the scan did.
    if (!done) await scan.return?.();
  }
}

/**
 * Scanned rows in columns, as the merge will read them: the key (normalised), the times
 * in epoch ms and the features' raw values. Rows no label could ever see (a NULL key or
 * event time) are dropped here, as the merge would drop them.
 */
export class ScanBuffer {
  /** A batch's rows each; `created` only where the group has a created time. */
  readonly chunks: { keys: KeyValue[]; events: Float64Array; created: Float64Array | undefined; features: RawColumn[] }[] = [];
  rows = 0;
  private readonly decoder: ArrayRowDecoder;

  constructor(private readonly g: GroupPlan) {
    this.decoder = new ArrayRowDecoder(g.group, g.features.length);
  }

  add(batch: readonly (readonly unknown[])[]): void {
    const { decoder } = this;
    const keyType = this.g.group.entity.keyTypes[0]!;
    const positions = decoder.featurePositions;
    const keys: KeyValue[] = [];
    const events = new Float64Array(batch.length);
    const created = !decoder.hasCreated ? undefined : new Float64Array(batch.length);
    const features = positions.map(() => new RawColumn(batch.length));
    for (const row of batch) {
      const key = normaliseKeyValue(row[0], keyType);
      if (key === undefined) continue;
      const event = decoder.event(row);
      if (event !== event) continue;
      const r = keys.length;
      keys.push(key);
      events[r] = event;
      if (created !== undefined) created[r] = decoder.created(row);
      for (let f = 0; f < positions.length; f++) features[f]!.set(r, row[positions[f]!]);
    }
    this.chunks.push({ keys, events, created, features });
    this.rows += keys.length;
  }

  clear(): void {
    this.chunks.length = 0;
    this.rows = 0;
  }
}

/**
 * A feature's raw values for a batch of rows: numbers in a Float64Array (8 bytes each
 * instead of a boxed number), anything else (NULL, text, a bigint) as it came.
 */
class RawColumn {
  private readonly numbers: Float64Array;
  private others: unknown[] | undefined;
  private isOther: Uint8Array | undefined;

  constructor(size: number) {
    this.numbers = new Float64Array(size);
  }

  set(r: number, raw: unknown): void {
    if (typeof raw === 'number') {
      this.numbers[r] = raw;
      return;
    }
    (this.isOther ??= new Uint8Array(this.numbers.length))[r] = 1;
    (this.others ??= [])[r] = raw;
  }

  get(r: number): unknown {
    return this.isOther !== undefined && this.isOther[r] === 1 ? this.others![r] : this.numbers[r]!;
  }
}
