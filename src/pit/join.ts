/**
 * `join` (SPEC §3): for every label row, in input order, exactly one output row — the
 * label's columns, then each requested feature as visible at the label's time.
 * Two strategies give the same answers: the streaming merge (as-of-merge.ts) over one
 * unordered scan per group, or the database computing each chunk of labels.
 */
import type { Database } from '../db/dialect.js';
import { readLabels, type Labels } from '../io/labels.js';
import type { JoinPlan, GroupPlan } from '../plan/plan.js';
import { joinChunkQuery, scanQuery } from '../sql/queries.js';
import { AsOfMerge, LabelIndex } from './as-of-merge.js';
import { RowDecoder } from './decode.js';
import { normaliseValue, type Value } from './values.js';

export interface OutputRow<P> {
  readonly prefix: P;
  readonly values: readonly Value[];
}

export interface JoinHooks<P> {
  readonly encodePrefix: (fields: readonly string[]) => P;
  readonly onLabel?: () => void;
  /** Called as the join moves from reading labels to scanning groups to writing rows. */
  readonly onPhase?: (phase: 'scanning' | 'writing') => void;
}

/** Winner rows (raw feature values of that group) per label number. */
type Winners = (readonly unknown[] | undefined)[];

/** Labels per database round trip: small enough for any driver's packet limit, large enough to amortise it. */
const CHUNK_LABELS = 5_000;

export async function* runJoin<P>(db: Database, plan: JoinPlan, hooks: JoinHooks<P>): AsyncGenerator<OutputRow<P>> {
  const prefixes: P[] = [];
  const labels = await readLabels({
    file: plan.inputFile,
    timestampColumn: plan.timestampColumn,
    timestampUnit: plan.timestampUnit,
    entities: plan.entities,
    encodePrefix: (fields) => {
      prefixes.push(hooks.encodePrefix(fields));
      return '';
    },
    onRow: hooks.onLabel,
  });

  hooks.onPhase?.('scanning');
  const winners: Winners[] = [];
  const indexes = new Map<string, LabelIndex>();
  for (const g of plan.groups) {
    if (plan.strategy === 'merge') {
      const entityLabels = labels.entities.get(g.group.entity.name)!;
      let index = indexes.get(g.group.entity.name);
      if (!index) {
        index = new LabelIndex(entityLabels.keyOfLabel, labels.times, entityLabels.dictionary.size);
        indexes.set(g.group.entity.name, index);
      }
      winners.push(await mergeGroup(db, g, labels, index));
    } else {
      winners.push(await databaseGroup(db, g, labels));
    }
  }

  hooks.onPhase?.('writing');
  for (let i = 0; i < labels.count; i++) {
    const values: Value[] = [];
    plan.groups.forEach((g, gi) => {
      const row = winners[gi]![i];
      g.features.forEach((f, fi) => values.push(row === undefined ? null : normaliseValue(row[fi], f.feature.type)));
    });
    yield { prefix: prefixes[i]!, values };
  }
}

function maxTime(times: Float64Array): number {
  let max = -Infinity;
  for (let i = 0; i < times.length; i++) if (times[i]! > max) max = times[i]!;
  return max;
}

async function mergeGroup(db: Database, g: GroupPlan, labels: Labels, index: LabelIndex): Promise<Winners> {
  const { dictionary } = labels.entities.get(g.group.entity.name)!;
  const merge = new AsOfMerge<readonly unknown[]>(index, g.rules);
  const decoder = new RowDecoder(g.group, g.features.length);
  if (labels.count === 0) return [];
  // Rows newer than the latest label can never be visible: leave them in the database.
  const query = scanQuery(db.dialect, g.group, g.features.map((f) => f.feature), maxTime(labels.times));
  for await (const row of db.driver.stream(query)) {
    const key = decoder.key(row);
    if (key === undefined) continue;
    const k = key.length === 1 ? dictionary.lookupValue(key[0]!) : dictionary.lookup(key);
    if (k < 0) continue;
    const times = decoder.times(row);
    if (times === undefined) continue;
    merge.offer(k, times, decoder.values(row));
  }
  return merge.resolve();
}

async function databaseGroup(db: Database, g: GroupPlan, labels: Labels): Promise<Winners> {
  const { dictionary, keyOfLabel } = labels.entities.get(g.group.entity.name)!;
  const decoder = new RowDecoder(g.group, g.features.length);
  const winners: Winners = new Array(labels.count).fill(undefined);
  for (let start = 0; start < labels.count; start += CHUNK_LABELS) {
    const end = Math.min(labels.count, start + CHUNK_LABELS);
    const rows: unknown[][] = [];
    for (let i = start; i < end; i++) rows.push([i, labels.times[i], ...dictionary.keys[keyOfLabel[i]!]!]);
    const query = joinChunkQuery(db.dialect, g.group, g.features.map((f) => f.feature), g.rules, { json: JSON.stringify(rows) });
    for await (const row of db.driver.stream(query)) winners[Number(row['__i'])] = decoder.values(row);
  }
  return winners;
}
