/**
 * A worker thread of the merge join: scans and merges its share of the groups on its own
 * read-only connection while the main thread does the same with the rest, so a join uses
 * every core (see parallel-merge.ts). Its scan starts at once; the labels' key dictionary
 * and index come in a message once the main thread has read them. It sends back each
 * group's winners as typed arrays, and forwards a cancel (Ctrl-C) to its driver. Writing
 * a CSV file, it sends their values as CSV text too, and then waits to write the main
 * thread's groups' text for the labels it is asked for (csvAhead), until it is ended.
 *
 * Or, started with a lane of the partitioned merge (input.partitioned), it runs that lane
 * (partitioned-merge.ts, runPartitionLane) and sends back the names of its result files.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { openDatabase } from '../db/open.js';
import { SpellbookError } from '../errors.js';
import { KeyDictionary } from '../core/key-dictionary.js';
import { LabelIndex } from './as-of-merge.js';
import { mergeGroupEarly, type EntityLabels } from './group-merge.js';
import { FeatureColumn } from './feature-column.js';
import { CsvBytes } from '../io/csv-bytes.js';
import { collectGarbage } from '../util/heap.js';
import type { CsvAheadMessage, LabelsMessage, WorkerInput, WorkerOutput } from './parallel-merge.js';
import type { CsvValues } from '../core/rows.js';
import { runPartitionLane } from './partitioned-merge.js';

const input = workerData as WorkerInput;
const port = parentPort!;

async function run(): Promise<WorkerOutput> {
  let labelsCame: (labels: LabelsMessage) => void = () => {};
  const labels = new Promise<LabelsMessage>((resolve) => (labelsCame = resolve));
  const opened = openDatabase(input.spec, input.options);
  const onMessage = (message: unknown): void => {
    if (message === 'cancel')
      void opened
        .then((db) => db.driver.cancel())
        .catch(() => {})
        .finally(() => port.postMessage({ cancelled: true }));
    else if (typeof message === 'object' && message !== null && 'labels' in message) labelsCame(message.labels as LabelsMessage);
  };
  port.on('message', onMessage);
  let db: Awaited<typeof opened> | undefined;
  try {
    db = await opened;
    if (input.partitioned) return { scans: await runPartitionLane(db, input.partitioned) };
    const entities = labels.then(
      (l) =>
        new Map<string, EntityLabels>(
          Object.entries(l.entities).map(([name, e]) => [
            name,
            { dictionary: KeyDictionary.fromThread(e.dictionary), index: LabelIndex.fromState(e.index), labelCount: l.labelCount },
          ]),
        ),
    );
    const groups = [];
    for (const g of input.groups!) {
      const labelsOf = entities.then((m) => m.get(g.group.entity.name)!);
      const { slotOfLabel, columns } = await mergeGroupEarly(db, g, labelsOf);
      // Idle here until the main thread has scanned its own groups: their CSV text is
      // written now, for the main thread to copy, and it replaces the columns (any other
      // reader gets the values back from it, csvTextColumns, by label). Numbers, booleans
      // and times only: at most ~25 bytes a value, at a million labels about the columns'
      // size. The text is written through the slots, in label order: four scattered reads
      // a label (two features' numbers and null flags) cost less than moving the columns
      // into label order first (toLabelOrder's pass and cycles, ~0.3 s at 1M labels).
      const csv = input.csvValues && columns.every((c) => c.holdsNumbers()) ? csvText({ slotOfLabel, columns }, 0) : undefined;
      // Otherwise the main thread writes the output, reading every label's values in input
      // order: here they are put in label order, so that it reads them in sequence.
      if (csv === undefined) FeatureColumn.toLabelOrder(columns, (await labelsOf).index.order, slotOfLabel);
      // Either way each label is now its own slot, as in a database join's answer.
      for (let i = 0; i < slotOfLabel.length; i++) if (slotOfLabel[i]! >= 0) slotOfLabel[i] = i;
      groups.push(csv ? { slotOfLabel, columns: [], csv } : { slotOfLabel, columns: columns.map((c) => c.state()) });
    }
    return { groups };
  } finally {
    // Nothing may keep the thread alive once it has answered: it then ends on its own.
    port.off('message', onMessage);
    await db?.close();
  }
}

/** A read's values as CSV text for the labels from `first` on (CsvBytes.values). */
function csvText(winners: { slotOfLabel: Int32Array; columns: readonly FeatureColumn[] }, first: number): CsvValues {
  const { slotOfLabel, columns } = winners;
  return new CsvBytes().values(first, slotOfLabel.length, columns.length, (i, f) => {
    const slot = slotOfLabel[i]!;
    return slot < 0 ? null : columns[f]!.get(slot);
  });
}

/**
 * Once answered, a worker asked to write CSV text writes it for the main thread's reads
 * too, for the labels it names (parallel-merge.ts, csvAhead), and waits to be ended.
 */
function writeAhead(message: unknown): void {
  if (typeof message !== 'object' || message === null || !('csvAhead' in message)) return;
  const { first, reads } = message.csvAhead as CsvAheadMessage;
  const texts = reads.map((r) => csvText({ slotOfLabel: r.slotOfLabel, columns: r.columns.map((c) => FeatureColumn.fromState(c)) }, first));
  port.postMessage({ csvAhead: texts }, texts.flatMap((t) => [t.bytes.buffer, t.ends.buffer]) as ArrayBuffer[]);
  // Nothing runs here after this to bring a collection: the slots' copy and the text's
  // first buffer (~20 MB at a million labels) would stay resident until the join ends.
  collectGarbage();
}

run().then(
  (output) => {
    // The columns' numbers are in shared memory (feature-column.ts): only the rest moves.
    const transfer = (output.groups ?? []).flatMap((g) => [g.slotOfLabel.buffer, ...(g.csv ? [g.csv.bytes.buffer, g.csv.ends.buffer] : [])]);
    port.postMessage(output, transfer as ArrayBuffer[]);
    if (input.csvValues && output.groups) {
      // Kept alive to write more: what the scan left in its heap is let go of now, not
      // kept resident beside the main thread's writing.
      collectGarbage();
      port.on('message', writeAhead);
    }
  },
  (err: unknown) => {
    const error =
      err instanceof SpellbookError
        ? { code: err.code, message: err.message, details: [...err.details] }
        : { message: err instanceof Error ? err.message : String(err) };
    port.postMessage({ error } satisfies WorkerOutput);
  },
);
