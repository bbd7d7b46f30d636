/**
 * The merge join in bounded memory, for label sets too large to merge in one pass: the
 * labels are split into P partitions by key number (key mod P), Grace-hash style.
 *
 * 1. Each group is scanned once, as in the one-pass merge; a row of a key that some label
 *    has goes to its key's partition file (key number, times, raw feature values; rows
 *    that can never be visible are dropped as the merge would drop them).
 * 2. Partition by partition, the labels of its keys get their own index, the partition's
 *    rows are replayed through the same merge (AsOfMerge, WindowMerge) the one-pass join
 *    runs, and each label's values are written, in label order, to a result file.
 * 3. The output pass reads the labels in input order; a label's values are the next ones
 *    of its partition's result file (each file is in label order), so the P files are
 *    merged back into input order with one chunk of each in memory.
 *
 * What grows with the labels is then only the labels' times and key numbers (12 bytes a
 * label) and the key dictionary; the merge's state (~50-80 bytes a label and group) is
 * held for one partition at a time. Answers are the same as the one-pass merge's: every
 * label sees the same rows through the same code, and ties among a key's labels keep
 * their input order because partition-local label numbers keep it.
 */
import type { Database } from '../db/dialect.js';
import type { Labels } from '../io/labels.js';
import type { GroupPlan } from '../plan/plan.js';
import type { Value } from '../core/values.js';
import { growableInt32 } from '../util/growable.js';
import { AsOfMerge, LabelIndex } from './as-of-merge.js';
import { ArrayRowDecoder } from './decode.js';
import { featureColumns } from './feature-column.js';
import { WindowMerge } from './window-merge.js';
import { SpillFolder, spillColumn, spilledValue, type SpillFile, type SpilledColumn } from './spill.js';

/**
 * Up to this many labels the join is merged in one pass (with its parallel scans: the
 * speed of ordinary joins); beyond it, the labels are split into partitions of at most
 * LABELS_PER_PARTITION, whose merge state is then ~30-40 MB per group.
 */
export const ONE_PASS_MAX_LABELS = 1 << 20;
export const LABELS_PER_PARTITION = 1 << 19;

/** Rows (or labels) per chunk of a temporary file. */
const CHUNK = 8_192;

/** How many partitions a join of `labelCount` labels uses: `forced` when given (1 = one pass). */
export function partitionCount(labelCount: number, forced?: number): number {
  if (forced !== undefined) return Math.max(1, Math.floor(forced));
  return labelCount <= ONE_PASS_MAX_LABELS ? 1 : Math.ceil(labelCount / LABELS_PER_PARTITION);
}

/** A chunk of one partition's rows of a group. */
interface RowChunk {
  readonly n: number;
  readonly keys: Int32Array;
  readonly events: Float64Array;
  readonly created: Float64Array;
  readonly features: readonly SpilledColumn[];
}

/** A chunk of one partition's results of a group: each feature's values for consecutive labels. */
type ResultChunk = readonly SpilledColumn[];

/**
 * One group's answers, read back in input order a batch of labels at a time: `load(first,
 * n)` reads the values of labels first..first+n-1, then `value(label, f)` is the value of
 * the group's feature f for any of them.
 */
export class GroupResults {
  private readonly cursors: ResultCursor[];
  private first = 0;
  /** For each label of the batch: the chunk holding its values, and its place there. */
  private readonly chunkOf: ResultChunk[] = [];
  private placeOf = new Int32Array(0);

  constructor(
    files: readonly SpillFile[],
    private readonly keyOfLabel: Int32Array,
  ) {
    this.cursors = files.map((f) => new ResultCursor(f));
  }

  load(first: number, n: number): void {
    if (this.placeOf.length < n) this.placeOf = new Int32Array(n);
    this.chunkOf.length = n;
    for (let j = 0; j < n; j++) {
      const cursor = this.cursors[this.keyOfLabel[first + j]! % this.cursors.length]!;
      cursor.advance();
      this.chunkOf[j] = cursor.chunk;
      this.placeOf[j] = cursor.at;
    }
    this.first = first;
  }

  value(label: number, f: number): Value {
    const j = label - this.first;
    return spilledValue(this.chunkOf[j]![f]!, this.placeOf[j]!) as Value;
  }
}

/** One partition's result file, read a label at a time: `chunk` holds the label's values at `at`. */
class ResultCursor {
  private readonly chunks: Generator<ResultChunk>;
  chunk: ResultChunk = [];
  at = 0;
  private size = 0;

  constructor(file: SpillFile) {
    this.chunks = file.chunks<ResultChunk>();
  }

  advance(): void {
    if (++this.at < this.size) return;
    const next = this.chunks.next();
    if (next.done) throw new Error('a partition of the join has fewer results than labels');
    this.chunk = next.value;
    this.size = chunkLength(this.chunk[0]!);
    this.at = 0;
  }
}

function chunkLength(column: SpilledColumn): number {
  return 'values' in column ? column.values.length : column.numbers.length;
}

/**
 * Every group's answers by the partitioned merge, in plan order; `matched` receives, per
 * group, how many labels a row matched. `group` runs one group's work, so the caller can
 * put its errors in the group's words.
 */
export async function mergePartitioned(
  db: Database,
  groups: readonly GroupPlan[],
  labels: Labels<unknown>,
  partitions: number,
  folder: SpillFolder,
  inGroup: <T>(g: GroupPlan, work: () => Promise<T>) => Promise<T>,
): Promise<{ results: GroupResults[]; matched: number[] }> {
  const results: GroupResults[] = new Array(groups.length);
  const matched: number[] = new Array(groups.length).fill(0);
  for (const [gi, g] of groups.entries()) {
    // A read whose rows another read's scan selects (plan.ts, mergeScans) is merged with it,
    // from the same spilled rows, its features after the scanning read's.
    if (g.scannedBy !== undefined) continue;
    const reads = [{ read: g, at: gi }, ...(g.alongside === undefined ? [] : [{ read: groups[g.alongside]!, at: g.alongside }])];
    const width = g.scan?.width ?? g.features.length;
    const { dictionary, keyOfLabel } = labels.entities.get(g.group.entity.name)!;
    await inGroup(g, async () => {
      const spills = await spillRows(db, g, width, (row, decoder) => decoder.keyNumber(row, dictionary), partitions, folder);
      const files: SpillFile[][] = reads.map(() => []);
      for (let p = 0; p < partitions; p++) {
        const part = partitionLabels(keyOfLabel, labels.times, dictionary.size, p, partitions);
        for (const [k, { read, at }] of reads.entries()) {
          const winners = await mergePartition(read, part.index, spills[p]!, partitions);
          for (const slot of winners.slotOfLabel) if (slot >= 0) matched[at]!++;
          files[k]!.push(writeResults(folder, winners));
        }
        spills[p]!.delete();
      }
      reads.forEach(({ at }, k) => (results[at] = new GroupResults(files[k]!, keyOfLabel)));
    });
  }
  return { results, matched };
}

/** Step 1: one scan of the group, its rows dealt to partition files by key number. */
async function spillRows(
  db: Database,
  g: GroupPlan,
  width: number,
  keyNumber: (row: readonly unknown[], decoder: ArrayRowDecoder) => number,
  partitions: number,
  folder: SpillFolder,
): Promise<SpillFile[]> {
  const decoder = new ArrayRowDecoder(g.group, width);
  const positions = decoder.featurePositions;
  const files = Array.from({ length: partitions }, () => folder.file());
  const buffers = Array.from({ length: partitions }, () => new RowBuffer(positions.length));
  const flush = (p: number): void => {
    files[p]!.append(buffers[p]!.take());
  };
  for await (const batch of db.driver.arrayBatches(g.query)) {
    for (const row of batch) {
      const key = keyNumber(row, decoder);
      if (key < 0) continue;
      const event = decoder.event(row);
      if (event !== event) continue; // a NULL event time is never visible
      const p = key % partitions;
      const buffer = buffers[p]!;
      buffer.push(key, event, decoder.created(row), row, positions);
      if (buffer.n === CHUNK) flush(p);
    }
  }
  for (let p = 0; p < partitions; p++) if (buffers[p]!.n > 0) flush(p);
  return files;
}

class RowBuffer {
  n = 0;
  private keys = new Int32Array(CHUNK);
  private events = new Float64Array(CHUNK);
  private created = new Float64Array(CHUNK);
  private features: ColumnBuffer[];

  constructor(private readonly featureCount: number) {
    this.features = Array.from({ length: featureCount }, () => new ColumnBuffer());
  }

  push(key: number, event: number, created: number, row: readonly unknown[], positions: readonly number[]): void {
    const i = this.n++;
    this.keys[i] = key;
    this.events[i] = event;
    this.created[i] = created;
    for (let f = 0; f < this.featureCount; f++) this.features[f]!.set(i, row[positions[f]!]);
  }

  /** The chunk, in views of the buffers: append it to its file before the next push. */
  take(): RowChunk {
    const n = this.n;
    const chunk: RowChunk = {
      n,
      keys: this.keys.subarray(0, n),
      events: this.events.subarray(0, n),
      created: this.created.subarray(0, n),
      features: this.features.map((column) => column.take(n)),
    };
    this.n = 0;
    return chunk;
  }
}

/**
 * One feature's values of a chunk being filled, as spillColumn would store them: numbers
 * (and NULLs) straight into typed arrays, until a value of another kind moves the chunk's
 * column to a plain array. A chunk of the 20 partitions fills over much of a scan, so
 * boxed numbers held in plain arrays outlived young collections and were promoted: at
 * scale 10 the spill phase set the join's peak.
 */
class ColumnBuffer {
  private readonly numbers = new Float64Array(CHUNK);
  private readonly isNull = new Uint8Array(CHUNK);
  private values: unknown[] | undefined;

  set(i: number, v: unknown): void {
    if (this.values) this.values[i] = v;
    else if (v === null) this.isNull[i] = 1;
    else if (typeof v === 'number') {
      this.numbers[i] = v;
      this.isNull[i] = 0;
    } else {
      this.values = new Array<unknown>(CHUNK);
      for (let j = 0; j < i; j++) this.values[j] = this.isNull[j] ? null : this.numbers[j];
      this.values[i] = v;
    }
  }

  take(n: number): SpilledColumn {
    const values = this.values;
    this.values = undefined;
    return values ? { values: values.slice(0, n) } : { numbers: this.numbers.subarray(0, n), isNull: this.isNull.subarray(0, n) };
  }
}

/**
 * The labels of partition p (keys k with k mod P = p), numbered 0.. in input order, with
 * their keys renumbered k div P, indexed as the one-pass merge indexes all labels.
 */
function partitionLabels(keyOfLabel: Int32Array, times: Float64Array, keyCount: number, p: number, partitions: number): { index: LabelIndex } {
  const members = growableInt32();
  for (let i = 0; i < keyOfLabel.length; i++) if (keyOfLabel[i]! % partitions === p) members.push(i);
  const labels = members.toArray();
  const localKey = new Int32Array(labels.length);
  const localTime = new Float64Array(labels.length);
  for (let j = 0; j < labels.length; j++) {
    localKey[j] = (keyOfLabel[labels[j]!]! / partitions) | 0;
    localTime[j] = times[labels[j]!]!;
  }
  const localKeys = keyCount > p ? Math.ceil((keyCount - p) / partitions) : 0;
  return { index: new LabelIndex(localKey, localTime, localKeys) };
}

interface PartitionWinners {
  readonly slotOfLabel: Int32Array;
  readonly columns: readonly { get(slot: number): Value }[];
}

/**
 * Step 2: the partition's rows through the group's merge, against the partition's labels;
 * feature f's values are spilled column `g.scan.positions[f]` (f without a planned scan).
 */
async function mergePartition(g: GroupPlan, index: LabelIndex, rows: SpillFile, partitions: number): Promise<PartitionWinners> {
  const n = index.labelCount;
  const column = g.features.map((_, f) => g.scan?.positions[f] ?? f);
  if (g.operation === 'window') {
    const merge = new WindowMerge(index, g.group, g.features.map((f) => f.feature), g.rules);
    for (const chunk of rows.chunks<RowChunk>()) {
      let r = 0;
      const value = (f: number): unknown => spilledValue(chunk.features[column[f]!]!, r);
      for (; r < chunk.n; r++) merge.offer((chunk.keys[r]! / partitions) | 0, chunk.events[r]!, chunk.created[r]!, value);
      await turn();
    }
    return { slotOfLabel: index.positionOfLabel(), columns: merge.finish() };
  }
  const merge = new AsOfMerge(index, g.rules);
  const columns = featureColumns(g, n);
  for (const chunk of rows.chunks<RowChunk>()) {
    for (let r = 0; r < chunk.n; r++) {
      const slot = merge.offer((chunk.keys[r]! / partitions) | 0, chunk.events[r]!, chunk.created[r]!);
      if (slot >= 0) for (let f = 0; f < columns.length; f++) columns[f]!.set(slot, spilledValue(chunk.features[column[f]!]!, r));
    }
    await turn();
  }
  return { slotOfLabel: merge.resolve(), columns };
}

/** Step 2's output: each label's values, in the partition's label order (= input order). */
function writeResults(folder: SpillFolder, winners: PartitionWinners): SpillFile {
  const file = folder.file();
  const { slotOfLabel, columns } = winners;
  const values: Value[] = new Array(CHUNK);
  for (let start = 0; start < slotOfLabel.length; start += CHUNK) {
    const n = Math.min(CHUNK, slotOfLabel.length - start);
    const chunk: SpilledColumn[] = [];
    for (const column of columns) {
      for (let j = 0; j < n; j++) {
        const slot = slotOfLabel[start + j]!;
        values[j] = slot < 0 ? null : column.get(slot);
      }
      chunk.push(spillColumn(values, n));
    }
    file.append(chunk);
  }
  return file;
}

/** One turn of the event loop, so a Ctrl-C is heard between chunks. */
function turn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
