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
import { SpillFolder, spillColumn, spilledValue, type HandedOverFile, type SpillFile, type SpilledColumn } from './spill.js';
import { KeyDictionary, type KeysForThread } from '../core/key-dictionary.js';
import { inGroupWords } from './missing-object.js';
import { canUseWorker, startPartitionWorker } from './parallel-merge.js';
import { collectGarbage } from '../util/heap.js';

/**
 * Up to this many labels the join is merged in one pass (with its parallel scans: the
 * speed of ordinary joins); beyond it, the labels are split into partitions of at most
 * LABELS_PER_PARTITION, whose merge state is then ~30-40 MB per group.
 */
export const ONE_PASS_MAX_LABELS = 1 << 20;
export const LABELS_PER_PARTITION = 1 << 19;

/** Rows (or labels) per chunk of a temporary file. */
const CHUNK = 8_192;

/**
 * How many partitions a join of `labelCount` labels uses: `forced` when given (1 = one
 * pass). With two lanes merging at once (mergePartitioned), partitions are half as large,
 * so that the two merges' state together is one partition's of LABELS_PER_PARTITION.
 */
export function partitionCount(labelCount: number, forced?: number, lanes = 1): number {
  if (forced !== undefined) return Math.max(1, Math.floor(forced));
  return labelCount <= ONE_PASS_MAX_LABELS ? 1 : Math.ceil((labelCount * lanes) / LABELS_PER_PARTITION);
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
 * group, how many labels a row matched. `inGroup` runs one group's work, so the caller
 * can put its errors in the group's words.
 *
 * The scans are dealt to two lanes, as the one-pass merge deals its groups
 * (parallel-merge.ts): the main thread runs the first, third… scan and a worker thread
 * the others, each scanning, spilling and merging its groups' partitions into result
 * files of its own; the main thread then reads them all. The worker reads the labels'
 * times and key numbers where they are (shared memory), and the key dictionary's table
 * of int keys too; only other keys are copied.
 */
export async function mergePartitioned(
  db: Database,
  groups: readonly GroupPlan[],
  labels: Labels<unknown>,
  forcedPartitions: number | undefined,
  folder: SpillFolder,
  inGroup: <T>(g: GroupPlan, work: () => Promise<T>) => Promise<T>,
): Promise<{ results: GroupResults[]; matched: number[] }> {
  // A read whose rows another read's scan selects (plan.ts, mergeScans) is merged with it,
  // from the same spilled rows, its features after the scanning read's.
  const scans: ScanReads[] = [];
  for (const [gi, g] of groups.entries()) {
    if (g.scannedBy !== undefined) continue;
    scans.push([{ read: g, at: gi }, ...(g.alongside === undefined ? [] : [{ read: groups[g.alongside]!, at: g.alongside }])]);
  }
  const lanes = scans.length > 1 && canUseWorker(db) ? 2 : 1;
  const partitions = partitionCount(labels.count, forcedPartitions, lanes);
  const here = scans.filter((_, i) => i % lanes === 0);
  const elsewhere = scans.filter((_, i) => i % lanes === 1);
  const worker = elsewhere.length === 0 ? undefined : startPartitionWorker(db, workerInput(elsewhere, labels, partitions, folder));

  const results: GroupResults[] = new Array(groups.length);
  const matched: number[] = new Array(groups.length).fill(0);
  const keep = (scan: ScanReads, answer: ScanAnswer<SpillFile>): void =>
    scan.forEach(({ read, at }, k) => {
      results[at] = new GroupResults(answer.files[k]!, labels.entities.get(read.group.entity.name)!.keyOfLabel);
      matched[at] = answer.matched[k]!;
    });
  // The first failure ends the worker (its connection closes with the thread), and is
  // reported once the main thread's scan at hand has ended, so no scan runs on behind it.
  let firstFailure: { error: unknown } | undefined;
  const failed = (error: unknown): void => {
    if (firstFailure) return;
    firstFailure = { error };
    worker?.stop();
  };
  const inWorker = worker?.answer.then(
    (answers) => answers.forEach((answer, i) => keep(elsewhere[i]!, { files: answer.files.map((files) => files.map((f) => folder.adopt(f))), matched: answer.matched })),
    failed,
  );
  for (const scan of here) {
    if (firstFailure) break;
    try {
      const { dictionary, keyOfLabel } = labels.entities.get(scan[0]!.read.group.entity.name)!;
      keep(scan, await inGroup(scan[0]!.read, () => mergeScan(db, scan, { dictionary, keyCount: dictionary.size, keyOfLabel, times: labels.times }, partitions, folder)));
    } catch (error) {
      failed(error);
    }
  }
  await inWorker;
  if (firstFailure) throw firstFailure.error;
  return { results, matched };
}

/** A scan's reads: the read that runs it, then the read sharing it, each with its place in the plan. */
type ScanReads = readonly { read: GroupPlan; at: number }[];

/** What a scan's partitioned merge leaves, per read: its result files (one per partition) and how many labels a row matched. */
export interface ScanAnswer<F> {
  readonly files: readonly (readonly F[])[];
  readonly matched: readonly number[];
}

/** What mergeScan reads of the labels: one entity's key numbers and dictionary (look-ups only), how many keys, and the times. */
interface EntityLabelArrays {
  readonly dictionary: KeyDictionary;
  readonly keyCount: number;
  readonly keyOfLabel: Int32Array;
  readonly times: Float64Array;
}

/** What the worker thread is given: its scans, and the labels in shared memory (see labels.ts). */
export interface PartitionLaneInput {
  readonly partitions: number;
  /** The spill folder, where the worker writes its files under a name of its own. */
  readonly folder: string;
  readonly scans: readonly (readonly GroupPlan[])[];
  readonly times: Float64Array;
  readonly entities: Record<string, { keyOfLabel: Int32Array; keyCount: number; dictionary: KeysForThread }>;
}

function workerInput(scans: readonly ScanReads[], labels: Labels<unknown>, partitions: number, folder: SpillFolder): PartitionLaneInput {
  const entities: PartitionLaneInput['entities'] = {};
  for (const scan of scans) {
    const name = scan[0]!.read.group.entity.name;
    const { keyOfLabel, dictionary } = labels.entities.get(name)!;
    entities[name] ??= { keyOfLabel, keyCount: dictionary.size, dictionary: dictionary.forThread() };
  }
  return { partitions, folder: folder.path, scans: scans.map((scan) => scan.map(({ read }) => read)), times: labels.times, entities };
}

/**
 * The worker thread's lane (merge-worker.ts): mergeScan for each of its scans on its own
 * connection, its files handed over to the main thread. Errors are put in the group's
 * words here, where the group is known.
 */
export async function runPartitionLane(db: Database, input: PartitionLaneInput): Promise<ScanAnswer<HandedOverFile>[]> {
  const folder = new SpillFolder({ path: input.folder, prefix: 'w' });
  const dictionaries = new Map(Object.entries(input.entities).map(([name, e]) => [name, KeyDictionary.fromThread(e.dictionary)]));
  const answers: ScanAnswer<HandedOverFile>[] = [];
  for (const reads of input.scans) {
    const name = reads[0]!.group.entity.name;
    const { keyOfLabel, keyCount } = input.entities[name]!;
    const labels = { dictionary: dictionaries.get(name)!, keyCount, keyOfLabel, times: input.times };
    try {
      // A full collection after each partition: the worker's heap would otherwise grow by
      // half over each partition's merge state before collecting, beside the main thread's.
      const answer = await mergeScan(db, reads.map((read, at) => ({ read, at })), labels, input.partitions, folder, collectGarbage);
      answers.push({ files: answer.files.map((files) => files.map((f) => f.handOver())), matched: answer.matched });
    } catch (err) {
      throw inGroupWords(err, db.adapter, reads[0]!);
    }
  }
  return answers;
}

/** One scan's partitioned merge, on either thread: spill its rows, then merge them partition by partition. */
async function mergeScan(
  db: Database,
  reads: ScanReads,
  labels: EntityLabelArrays,
  partitions: number,
  folder: SpillFolder,
  afterPartition: () => void = () => {},
): Promise<ScanAnswer<SpillFile>> {
  const g = reads[0]!.read;
  const { keyOfLabel, times } = labels;
  const keyCount = labels.keyCount;
  const width = g.scan?.width ?? g.features.length;
  const spills = await spillRows(db, g, width, (row, decoder) => decoder.keyNumber(row, labels.dictionary), partitions, folder);
  const files: SpillFile[][] = reads.map(() => []);
  const matched = reads.map(() => 0);
  for (let p = 0; p < partitions; p++) {
    const part = partitionLabels(keyOfLabel, times, keyCount, p, partitions);
    for (const [k, { read }] of reads.entries()) {
      const winners = await mergePartition(read, part.index, spills[p]!, partitions);
      for (const slot of winners.slotOfLabel) if (slot >= 0) matched[k]!++;
      files[k]!.push(writeResults(folder, winners));
    }
    spills[p]!.delete();
    afterPartition();
  }
  return { files, matched };
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
