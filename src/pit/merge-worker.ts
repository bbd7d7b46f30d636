/**
 * A worker thread of the merge join: scans and merges its share of the groups on its own
 * read-only connection while the main thread does the same with the rest, so a join uses
 * every core (see parallel-merge.ts). Its scan starts at once; the labels' key dictionary
 * and index come in a message once the main thread has read them. It sends back each
 * group's winners as typed arrays, and forwards a cancel (Ctrl-C) to its driver.
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
import type { LabelsMessage, WorkerInput, WorkerOutput } from './parallel-merge.js';
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
      // The main thread writes the output, reading every label's values in input order,
      // once its own groups are merged, and this thread is idle by then: here the values
      // are put in label order, so that it reads them in sequence (each label is then its
      // own slot, as in a database join's answer).
      FeatureColumn.toLabelOrder(columns, (await labelsOf).index.order, slotOfLabel);
      for (let i = 0; i < slotOfLabel.length; i++) if (slotOfLabel[i]! >= 0) slotOfLabel[i] = i;
      groups.push({ slotOfLabel, columns: columns.map((c) => c.state()) });
    }
    return { groups };
  } finally {
    // Nothing may keep the thread alive once it has answered: it then ends on its own.
    port.off('message', onMessage);
    await db?.close();
  }
}

run().then(
  (output) => {
    const transfer = (output.groups ?? []).flatMap((g) => [g.slotOfLabel.buffer, ...g.columns.flatMap((c) => [c.numbers?.buffer, c.isNull?.buffer].filter((b) => b !== undefined))]);
    port.postMessage(output, transfer as ArrayBuffer[]);
  },
  (err: unknown) => {
    const error =
      err instanceof SpellbookError
        ? { code: err.code, message: err.message, details: [...err.details] }
        : { message: err instanceof Error ? err.message : String(err) };
    port.postMessage({ error } satisfies WorkerOutput);
  },
);
