/**
 * `export` (SPEC §3): one row per entity key with a visible row in any requested group,
 * sorted by key. Each group's latest-row-per-key query streams already sorted from the
 * database; the streams are merged here by key, so memory stays flat at any table size.
 */
import type { Database, Row } from '../db/dialect.js';
import { SpellbookError } from '../errors.js';
import type { ExportPlan } from '../plan/plan.js';
import type { Feature } from '../metadata/types.js';
import { RowDecoder } from './decode.js';
import { inGroupWords } from './missing-object.js';
import type { RunStats } from './stats.js';
import { compareKeys, type KeyTuple } from '../core/keys.js';
import type { OutputRow } from '../core/rows.js';
import { featureValue, normaliseValue, keyValueType, type Value } from '../core/values.js';

interface Cursor {
  readonly iterator: AsyncIterator<Row>;
  readonly decoder: RowDecoder;
  /** Puts a failure of this group's query in the metadata's words. */
  readonly explain: (err: unknown) => unknown;
  key?: KeyTuple;
  values?: unknown[];
}

async function advance(cursor: Cursor, groupName: string): Promise<void> {
  for (;;) {
    const next = await cursor.iterator.next().catch((err: unknown) => {
      throw cursor.explain(err);
    });
    if (next.done) {
      cursor.key = undefined;
      return;
    }
    const key = cursor.decoder.key(next.value);
    if (key === undefined) continue; // a key that does not fit its declared type
    if (cursor.key !== undefined && compareKeys(key, cursor.key) <= 0) {
      // The merge relies on the database's order matching ours; never guess past a mismatch.
      throw new SpellbookError('INTERNAL', `group ${groupName}: the database returned keys out of order (${JSON.stringify(cursor.key)} then ${JSON.stringify(key)})`);
    }
    cursor.key = key;
    cursor.values = cursor.decoder.values(next.value);
    return;
  }
}

/** A feature's value where its read has no row: NULL, or 0 for a count over an empty window. */
function emptyValue(f: Feature): Value {
  return f.aggregate?.fn === 'count' ? 0 : null;
}

export async function* runExport(db: Database, plan: ExportPlan, stats?: RunStats): AsyncGenerator<OutputRow<''>> {
  const cursors: Cursor[] = plan.groups.map((g) => ({
    iterator: db.driver.stream(g.query)[Symbol.asyncIterator](),
    decoder: new RowDecoder(g.group, g.features.length),
    explain: (err: unknown) => inGroupWords(err, db.adapter, g),
  }));
  const keyTypes = plan.entity.keyTypes.map(keyValueType);
  let emitted = 0;
  // Only an export restricted to given keys remembers what it emitted, to name the misses.
  const found: KeyTuple[] | undefined = plan.keys && stats ? [] : undefined;
  try {
    await Promise.all(cursors.map((c, i) => advance(c, plan.groups[i]!.group.name)));
    while (plan.limit === undefined || emitted < plan.limit) {
      let min: KeyTuple | undefined;
      for (const c of cursors) if (c.key !== undefined && (min === undefined || compareKeys(c.key, min) < 0)) min = c.key;
      if (min === undefined) {
        if (found && stats) stats.unmatchedKeys = plan.keys!.filter((k) => !found.some((f) => compareKeys(f, k) === 0));
        break;
      }
      const keys = min.length;
      const values: Value[] = min.map((v, i) => normaliseValue(v, keyTypes[i]!));
      const moving: Promise<void>[] = [];
      cursors.forEach((c, gi) => {
        const here = c.key !== undefined && compareKeys(c.key, min!) === 0;
        const read = plan.groups[gi]!;
        // Features go to their requested position; a key a read has no row for gets each
        // feature's empty value (SPEC §7: an empty window counts 0).
        read.features.forEach((f, fi) => (values[keys + read.outputs[fi]!] = here ? featureValue(c.values![fi], read.group, f.feature) : emptyValue(f.feature)));
        if (here) {
          moving.push(advance(c, read.group.name));
          if (stats) stats.groups[gi]!.matched++;
        }
      });
      found?.push(min);
      if (stats) stats.rows++;
      yield { prefix: '', values };
      emitted++;
      await Promise.all(moving);
    }
  } finally {
    // Stops the remaining streams so their connections go back to the pool.
    await Promise.all(cursors.map((c) => c.iterator.return?.()));
  }
}
