/**
 * A table or column that vanished between writing the metadata and running a query comes
 * back from the engine in the SQL's words (`column src.txn_cnt_7d does not exist`: an
 * internal alias, no group). This puts it back in the metadata's words — group, feature,
 * table, column — and points at `spellbook validate`, which compares the two.
 */
import type { EngineAdapter, MissingObject } from '../db/dialect.js';
import { SpellbookError } from '../errors.js';
import type { Feature, Group } from '../metadata/types.js';
import type { GroupPlan } from '../plan/plan.js';

const VALIDATE_HINT = 'the database no longer matches the metadata: spellbook validate lists every difference';

/** `src.balance`, `"accounts"`, `` `db`.`accounts` `` → the last part, unquoted. */
function lastPart(name: string): string {
  const part = name.split('.').pop() ?? name;
  return part.replace(/^["`']|["`']$/g, '');
}

/** What the group calls a column: `feature balance`, `event_time`, `key user_id`… */
function roleOf(column: string, group: Group, features: readonly Feature[]): { role: string; feature?: Feature } | undefined {
  const same = (a: string) => a === column;
  const alike = (a: string) => a.toLowerCase() === column.toLowerCase();
  for (const matches of [same, alike]) {
    const feature = features.find((f) => matches(f.column));
    if (feature) return { role: `feature ${feature.name}`, feature };
    const key = group.entityColumns.find(matches);
    if (key !== undefined) return { role: `key ${key}` };
    if (group.eventTime && matches(group.eventTime.column)) return { role: 'event_time' };
    if (group.createdTime !== undefined && matches(group.createdTime)) return { role: 'created_time' };
  }
  return undefined;
}

function describe(missing: MissingObject, group: Group, features: readonly Feature[]): { text: string; feature?: string; table?: string; column?: string } {
  const table = group.source.kind === 'table' ? group.source.table : undefined;
  const name = lastPart(missing.name);
  if (missing.kind === 'table') {
    return table !== undefined
      ? { text: `group ${group.name}: table ${table} does not exist`, table }
      : { text: `group ${group.name}: its query reads table ${name}, which does not exist`, table: name };
  }
  const owner = roleOf(name, group, features);
  const column = owner?.feature?.column ?? name;
  const where = table === undefined ? `column ${column} is not returned by the group's query` : `column ${table}.${column} does not exist`;
  return { text: `group ${group.name}${owner ? `, ${owner.role}` : ''}: ${where}`, feature: owner?.feature?.name, table, column };
}

/**
 * The error to report for a failure of `group`'s query: a missing table or column in the
 * metadata's words, with the place as properties; any other error unchanged.
 */
export function inMetadataWords(err: unknown, adapter: EngineAdapter, group: Group, features: readonly Feature[]): unknown {
  if (!(err instanceof SpellbookError) || err.code !== 'DATABASE' || err.cause === undefined) return err;
  const missing = adapter.missingObject(err.cause);
  if (!missing) return err;
  const { text, ...place } = describe(missing, group, features);
  return new SpellbookError('DATABASE', `${text} (${VALIDATE_HINT})`, { cause: err.cause, group: group.name, ...place });
}

/** inMetadataWords for a failure of one planned read, named by its group and features. */
export function inGroupWords(err: unknown, adapter: EngineAdapter, read: GroupPlan): unknown {
  return inMetadataWords(err, adapter, read.group, read.features.map((f) => f.feature));
}
