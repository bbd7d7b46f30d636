/**
 * The merge join on every core: its groups are dealt into lanes, one per core; the main
 * thread runs lane 0 on the open database, and each other lane runs in a worker thread
 * (merge-worker.ts) on its own read-only connection. The workers start with the join and
 * scan while the main thread reads the labels; then the scans, the expensive part, run
 * side by side. Answers are the same whichever thread merges a group: each runs the
 * same merge (group-merge.ts) on the same labels.
 *
 * A worker is done first (the main thread read the labels before it scanned), and the
 * main thread then writes every row alone. For a CSV file the worker spends that time
 * writing values as CSV text (JoinHooks.csvValues): its own groups' with its answer, then
 * the main thread's for the labels from 45% on, while the main thread writes the rows
 * before them; the main thread copies the text into its rows.
 *
 * Falls back to one thread where a worker cannot help or cannot run: one group, one
 * core, a database no second connection can see (in-memory SQLite), or code run from
 * TypeScript sources (the test runner), where there is no compiled worker script.
 */
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Database } from '../db/dialect.js';
import type { SessionOptions } from '../db/open.js';
import { trackDriver } from '../db/interrupt.js';
import { SpellbookError, type ErrorCode } from '../errors.js';
import type { ConnectionSpec } from '../db/connection.js';
import type { GroupPlan } from '../plan/plan.js';
import type { KeyDictionary, KeysForThread } from '../core/key-dictionary.js';
import type { LabelIndex } from './as-of-merge.js';
import { FeatureColumn, type FeatureColumnState } from './feature-column.js';
import type { Value } from '../core/values.js';
import type { CsvValues } from '../core/rows.js';
import { csvTextColumns } from '../io/csv-bytes.js';
import type { PartitionLaneInput, ScanAnswer } from './partitioned-merge.js';
import type { HandedOverFile } from './spill.js';

export interface WorkerInput {
  readonly spec: ConnectionSpec;
  readonly options: SessionOptions;
  /** The one-pass merge's share of the groups, merged once the labels come. */
  readonly groups?: readonly GroupPlan[];
  /** Or a lane of the partitioned merge (partitioned-merge.ts). */
  readonly partitioned?: PartitionLaneInput;
  /** Whether to write the groups' values as CSV text as well (JoinHooks.csvValues). */
  readonly csvValues?: boolean;
}

/** The labels, sent to a worker once they are read. */
export interface LabelsMessage {
  readonly labelCount: number;
  /** Each entity's key dictionary (look-ups only: its int-key table is shared, not copied) and label index. */
  readonly entities: Record<string, { dictionary: KeysForThread; index: ReturnType<LabelIndex['state']> }>;
}

/** The main thread's reads, whose CSV text an idle worker writes for the labels from `first` on. */
export interface CsvAheadMessage {
  readonly first: number;
  readonly reads: readonly { slotOfLabel: Int32Array; columns: readonly FeatureColumnState[] }[];
}

export interface WorkerOutput {
  readonly groups?: readonly { slotOfLabel: Int32Array; columns: readonly FeatureColumnState[]; csv?: CsvValues }[];
  readonly scans?: readonly ScanAnswer<HandedOverFile>[];
  readonly error?: { code?: ErrorCode; message: string; details?: string[] };
}

/**
 * A read's answer: for each label, its slot (-1: no visible row), and the features'
 * values by slot. A slot is a winning row's for latest values, a label's for aggregates.
 */
export interface Winners {
  readonly slotOfLabel: Int32Array;
  readonly columns: readonly { get(slot: number): Value }[];
  /** The same values as CSV text, label by label, where a worker wrote them (JoinHooks.csvValues); the columns then read it. */
  readonly csv?: CsvValues;
}

/** The answer of a latest-value read, whose typed columns can move between threads. */
export interface LatestWinners extends Winners {
  readonly columns: readonly FeatureColumn[];
}

export interface EntityIndex {
  readonly dictionary: KeyDictionary;
  readonly index: LabelIndex;
}

const WORKER = new URL('./merge-worker.js', import.meta.url);

/**
 * The worker's young generation, in MB (V8's default is 32 MB of semi-spaces and more).
 * Its garbage is the scan's rows, dead within a batch, so a smaller one costs no time;
 * the worker's share of a scale-1 join's peak RSS fell by ~20 MB (282 to 261 MiB).
 */
const WORKER_YOUNG_MB = 12;

/** How long Ctrl-C waits for a worker to confirm it cancelled its statement. */
const CANCEL_ANSWER_MS = 500;

/** A merge whose workers are started: `finish` once the labels are read, or `stop`. */
export interface StartedMerge {
  /**
   * Each group's winners, in plan order. `mergeHere` merges one group on the main thread
   * (the caller's database); `entityOf` gives a group's key dictionary and label index.
   */
  finish(labelCount: number, entityOf: (g: GroupPlan) => EntityIndex, mergeHere: (g: GroupPlan) => Promise<Winners>): Promise<Winners[]>;
  /**
   * Where a worker can, the CSV text of reads merged here (`finish`'s answers for them),
   * for the labels from `first` on: written by a worker while this thread writes the
   * labels before `first` (JoinHooks.csvValues).
   */
  csvAhead?(reads: readonly LatestWinners[], first: number): Promise<CsvValues[]>;
  /** Ends the workers (the labels failed, the join goes another way, or the join is done). */
  stop(): void;
}

/**
 * Deals the groups into lanes and starts the workers at once, before the labels are
 * read: each opens its connection and begins its scan while the main thread reads the
 * labels, keeping the rows until the labels' index comes (group-merge.ts).
 */
export function startMerge(db: Database, groups: readonly GroupPlan[], options: { readonly csvValues?: boolean } = {}): StartedMerge {
  // Aggregate (window) reads stay on the main thread; latest-value reads can move.
  const movable = groups.filter((g) => g.operation !== 'window').length;
  const lanes = Math.min(movable, availableParallelism());
  if (lanes < 2 || !canUseWorker(db)) {
    return {
      finish: async (_labelCount, _entityOf, mergeHere) => {
        const out: Winners[] = [];
        for (const g of groups) out.push(await mergeHere(g));
        return out;
      },
      stop: () => {},
    };
  }
  // Movable groups are dealt to lanes in turn (lane 0 is the main thread); the others stay in lane 0.
  const lane: number[] = [];
  let dealt = 0;
  for (const g of groups) lane.push(g.operation === 'window' ? 0 : dealt++ % lanes);
  const laneOf = (i: number) => lane[i]!;
  const shares = Array.from({ length: lanes - 1 }, (_, w) => groups.map((g, i) => ({ g, i })).filter(({ i }) => laneOf(i) === w + 1));
  const workers = shares.map((mine) => new MergeWorker(db.reopen!, mine.map(({ g }) => g), options.csvValues === true));
  const stop = () => workers.forEach((w) => w.stop());
  return {
    stop,
    ...(options.csvValues ? { csvAhead: (reads: readonly LatestWinners[], first: number) => workers[0]!.csvAhead(reads, first) } : {}),
    finish: async (labelCount, entityOf, mergeHere) => {
      const results: Winners[] = new Array(groups.length);
      const inWorkers = workers.map((worker, w) => {
        worker.send(labelCount, entityOf);
        return worker.answer.then((winners) => shares[w]!.forEach(({ i }, k) => (results[i] = winners[k]!)));
      });
      const here = (async () => {
        for (let i = 0; i < groups.length; i++) if (laneOf(i) === 0) results[i] = await mergeHere(groups[i]!);
      })();
      // The first failure stops the other lanes' workers (their connections close with the
      // thread), and is reported once every lane has ended, so no scan runs on behind it.
      let firstFailure: { error: unknown } | undefined;
      const lanesDone = [here, ...inWorkers].map((lane) =>
        lane.catch((error: unknown) => {
          if (firstFailure) return;
          firstFailure = { error };
          stop();
        }),
      );
      await Promise.all(lanesDone);
      if (firstFailure) throw firstFailure.error;
      return results;
    },
  };
}

/**
 * Whether a worker thread can take a share of a merge: a second core, a database a second
 * connection can see, and a compiled worker script.
 */
export function canUseWorker(db: Database): boolean {
  return availableParallelism() >= 2 && db.reopen !== undefined && fileURLToPath(WORKER).endsWith('.js');
}

/**
 * A worker thread running a lane of the partitioned merge (partitioned-merge.ts), started
 * once the labels are read; its answer is each scan's result files. The caller has
 * checked canUseWorker.
 */
export function startPartitionWorker(db: Database, lane: PartitionLaneInput): { answer: Promise<readonly ScanAnswer<HandedOverFile>[]>; stop(): void } {
  const worker = new WorkerThread({ spec: db.reopen!.spec, options: db.reopen!.options, partitioned: lane }, (output) => output.scans!);
  return { answer: worker.answer, stop: () => worker.stop() };
}

/** One worker thread running merge-worker.ts, from its start to its answer. */
class WorkerThread<A> {
  readonly answer: Promise<A>;
  private readonly worker: Worker;
  private untrack: () => void = () => {};
  /** Messages after the answer, to the one waiting for them. */
  protected onLater: (message: unknown) => void = () => {};

  constructor(input: WorkerInput, answerOf: (output: WorkerOutput) => A) {
    const worker = (this.worker = new Worker(WORKER, { workerData: input, resourceLimits: { maxYoungGenerationSizeMb: WORKER_YOUNG_MB } }));
    this.answer = new Promise((resolve, reject) => {
      // Ctrl-C cancels the worker's statement on the server as it does the main thread's.
      // A worker stepping SQLite synchronously reads no message until its batch ends, and
      // has no server to cancel: the exit is then not held up for it.
      let cancelled: (() => void) | undefined;
      this.untrack = trackDriver({
        cancel: () =>
          new Promise<void>((done) => {
            cancelled = done;
            worker.postMessage('cancel');
            setTimeout(done, CANCEL_ANSWER_MS).unref();
          }),
      });
      let answered = false;
      worker.on('message', (message: WorkerOutput & { cancelled?: boolean }) => {
        if (message.cancelled) return cancelled?.();
        if (answered) return this.onLater(message);
        answered = true;
        // A worker kept for later work (csvAhead) never holds the process open.
        worker.unref();
        this.untrack();
        if (message.error) {
          const { code, message: text, details } = message.error;
          reject(code ? new SpellbookError(code, text, { details }) : new Error(text));
        } else {
          resolve(answerOf(message));
        }
      });
      worker.on('error', (err) => {
        this.untrack();
        reject(err);
      });
      worker.on('exit', (code) => {
        this.untrack();
        if (!answered) reject(new SpellbookError('INTERNAL', `a merge worker thread stopped (exit code ${code}) before it answered`));
        this.onLater({ exited: code });
      });
    });
    // A worker that fails while the main thread is busy is heard of when it is done.
    this.answer.catch(() => {});
  }

  post(message: unknown): void {
    this.worker.postMessage(message);
  }

  /** Whether the worker keeps the process alive (it does not once it has answered). */
  protected hold(alive: boolean): void {
    if (alive) this.worker.ref();
    else this.worker.unref();
  }

  stop(): void {
    this.untrack();
    void this.worker.terminate();
  }
}

/** A worker thread of the one-pass merge and its share of the groups. */
class MergeWorker extends WorkerThread<Winners[]> {
  constructor(
    reopen: NonNullable<Database['reopen']>,
    private readonly groups: readonly GroupPlan[],
    csvValues: boolean,
  ) {
    super({ spec: reopen.spec, options: reopen.options, groups, csvValues }, (output) =>
      output.groups!.map((g, k) =>
        g.csv
          ? { slotOfLabel: g.slotOfLabel, columns: csvTextColumns(g.csv, groups[k]!.features.map((f) => f.feature.type)), csv: g.csv }
          : { slotOfLabel: g.slotOfLabel, columns: g.columns.map((c) => FeatureColumn.fromState(c)) },
      ),
    );
  }

  /** The labels, once read: the index's arrays, and the dictionary's table of int keys, are shared, not copied. */
  send(labelCount: number, entityOf: (g: GroupPlan) => EntityIndex): void {
    const entities: LabelsMessage['entities'] = {};
    for (const g of this.groups) {
      const { dictionary, index } = entityOf(g);
      entities[g.group.entity.name] ??= { dictionary: dictionary.forThread(), index: index.state() };
    }
    this.post({ labels: { labelCount, entities } } satisfies { labels: LabelsMessage });
  }

  /**
   * The CSV text of the main thread's reads for the labels from `first` on; their columns
   * are shared with the worker, their slots copied.
   */
  csvAhead(reads: readonly LatestWinners[], first: number): Promise<CsvValues[]> {
    // Awaited, the answer must hold the process open as any other pending work does.
    this.hold(true);
    return new Promise((resolve, reject) => {
      this.onLater = (message) => {
        this.hold(false);
        const texts = (message as { csvAhead?: CsvValues[] }).csvAhead;
        if (texts) resolve(texts);
        else reject(new SpellbookError('INTERNAL', 'a merge worker thread stopped before it wrote the CSV text it was asked for'));
      };
      this.post({ csvAhead: { first, reads: reads.map((r) => ({ slotOfLabel: r.slotOfLabel, columns: r.columns.map((c) => c.state()) })) } } satisfies { csvAhead: CsvAheadMessage });
    });
  }
}
