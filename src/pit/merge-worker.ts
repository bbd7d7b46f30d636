/**
 * A worker thread of the merge join: scans and merges its share of the groups on its own
 * read-only connection while the main thread does the same with the rest, so a join uses
 * every core (see parallel-merge.ts). It gets the labels' key dictionary and index, sends
 * back each group's winners as typed arrays, and forwards a cancel (Ctrl-C) to its driver.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { openDatabase } from '../db/open.js';
import { SpellbookError } from '../errors.js';
import { KeyDictionary } from '../core/key-dictionary.js';
import { LabelIndex } from './as-of-merge.js';
import { mergeGroup } from './join.js';
import type { WorkerInput, WorkerOutput } from './parallel-merge.js';

const input = workerData as WorkerInput;
const port = parentPort!;

async function run(): Promise<WorkerOutput> {
  const db = await openDatabase(input.spec, input.options);
  const onMessage = (message: unknown): void => {
    if (message === 'cancel') void db.driver.cancel().finally(() => port.postMessage({ cancelled: true }));
  };
  port.on('message', onMessage);
  try {
    const entities = new Map(
      Object.entries(input.entities).map(([name, e]) => [name, { dictionary: KeyDictionary.fromKeys(e.width, e.keys), index: LabelIndex.fromState(e.index) }]),
    );
    const groups = [];
    for (const g of input.groups) {
      const { dictionary, index } = entities.get(g.group.entity.name)!;
      const winners = await mergeGroup(db, g, dictionary, index, input.labelCount);
      groups.push({ slotOfLabel: winners.slotOfLabel, columns: winners.columns.map((c) => c.state()) });
    }
    return { groups };
  } finally {
    // Nothing may keep the thread alive once it has answered: it then ends on its own.
    port.off('message', onMessage);
    await db.close();
  }
}

run().then(
  (output) => {
    const transfer = output.groups!.flatMap((g) => [g.slotOfLabel.buffer, ...g.columns.flatMap((c) => [c.numbers?.buffer, c.isNull?.buffer].filter((b) => b !== undefined))]);
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
