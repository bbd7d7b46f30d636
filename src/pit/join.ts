/**
 * `join` (SPEC §3): for every label row, in input order, exactly one output row — the
 * label's columns, then each requested feature as visible at the label's time.
 * Two strategies give the same answers: the streaming merge (as-of-merge.ts) over one
 * unordered scan per group, or the database computing each chunk of labels.
 */
import type { Database } from '../db/dialect.js';
import { openLabels, readLabels, type Labels } from '../io/labels.js';
import type { JoinPlan, GroupPlan } from '../plan/plan.js';
import { joinChunkQuery, scanQuery } from '../sql/queries.js';
import { AsOfMerge, LabelIndex } from './as-of-merge.js';
import { ArrayRowDecoder } from './decode.js';
import { FEATURE_ALIAS } from '../sql/group-columns.js';
import type { OutputRow } from '../core/rows.js';
import type { Value } from '../core/values.js';
import { FeatureColumn } from './feature-column.js';
import type { KeyDictionary } from '../core/key-dictionary.js';
import { mergeGroups, type EntityIndex, type Winners } from './parallel-merge.js';

export interface JoinHooks<P> {
  readonly encodePrefix: (fields: readonly string[]) => P;
  readonly onLabel?: () => void;
  /** Called as the join moves from reading labels to scanning groups to writing rows. */
  readonly onPhase?: (phase: 'scanning' | 'writing') => void;
}


/** Labels per database round trip: small enough for any driver's packet limit, large enough to amortise it. */
const CHUNK_LABELS = 5_000;

export async function* runJoin<P>(db: Database, plan: JoinPlan, hooks: JoinHooks<P>): AsyncGenerator<OutputRow<P>> {
  const labels = await readLabels(await openLabels(plan.labels), {
    timestampColumn: plan.timestampColumn,
    timestampUnit: plan.timestampUnit,
    entities: plan.entities,
    encodePrefix: hooks.encodePrefix,
    onRow: hooks.onLabel,
  });

  hooks.onPhase?.('scanning');
  let winners: Winners[] = [];
  if (plan.strategy === 'merge') {
    const indexes = new Map<string, EntityIndex>();
    const entityOf = (g: GroupPlan): EntityIndex => {
      const name = g.group.entity.name;
      let entry = indexes.get(name);
      if (!entry) {
        const { keyOfLabel, dictionary } = labels.entities.get(name)!;
        entry = { dictionary, index: new LabelIndex(keyOfLabel, labels.times, dictionary.size) };
        indexes.set(name, entry);
      }
      return entry;
    };
    winners = await mergeGroups(db, plan.groups, labels.count, entityOf, (g) => {
      const { dictionary, index } = entityOf(g);
      return mergeGroup(db, g, dictionary, index, labels.count);
    });
  } else {
    for (const g of plan.groups) winners.push(await databaseGroup(db, g, labels));
  }

  hooks.onPhase?.('writing');
  let i = 0;
  const columns = winners.flatMap((w) => w.columns.map((column) => ({ column, slotOfLabel: w.slotOfLabel })));
  for await (const prefix of labels.prefixes()) {
    const values: Value[] = new Array(columns.length);
    for (let c = 0; c < columns.length; c++) {
      const { column, slotOfLabel } = columns[c]!;
      const slot = slotOfLabel[i]!;
      values[c] = slot < 0 ? null : column.get(slot);
    }
    yield { prefix, values };
    i++;
  }
}

function featureColumns(g: GroupPlan, size: number): FeatureColumn[] {
  return g.features.map((f) => new FeatureColumn(f.feature.type, size));
}

/** One group's winners by the streaming merge: one scan of its rows against the labels' index. */
export async function mergeGroup(db: Database, g: GroupPlan, dictionary: KeyDictionary, index: LabelIndex, labelCount: number): Promise<Winners> {
  const merge = new AsOfMerge(index, g.rules);
  const decoder = new ArrayRowDecoder(g.group, g.features.length);
  const columns = featureColumns(g, labelCount);
  const positions = decoder.featurePositions;
  const query = scanQuery(db.dialect, g.group, g.features.map((f) => f.feature));
  for await (const batch of db.driver.arrayBatches(query)) {
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
  return { slotOfLabel: merge.resolve(), columns };
}

async function databaseGroup(db: Database, g: GroupPlan, labels: Labels<unknown>): Promise<Winners> {
  const { dictionary, keyOfLabel } = labels.entities.get(g.group.entity.name)!;
  // Here a label's slot is the label itself.
  const slotOfLabel = new Int32Array(labels.count).fill(-1);
  const columns = featureColumns(g, labels.count);
  const aliases = g.features.map((_, i) => FEATURE_ALIAS(i));
  for (let start = 0; start < labels.count; start += CHUNK_LABELS) {
    const end = Math.min(labels.count, start + CHUNK_LABELS);
    const rows: unknown[][] = [];
    for (let i = start; i < end; i++) rows.push([i, labels.times[i], ...dictionary.keys[keyOfLabel[i]!]!]);
    const query = joinChunkQuery(db.dialect, g.group, g.features.map((f) => f.feature), g.rules, { json: JSON.stringify(rows) });
    for await (const row of db.driver.stream(query)) {
      const label = Number(row['__i']);
      slotOfLabel[label] = label;
      columns.forEach((column, f) => column.set(label, row[aliases[f]!]));
    }
  }
  return { slotOfLabel, columns };
}
