/**
 * The three statements point-in-time work needs, built per dialect. Pure: SQL text and
 * parameters out, nothing executed here. Each starts from the same inner SELECT of the
 * group's source (group-columns.ts) and works on its aliases.
 *
 * - scan: every row of a group (the streaming merge does the as-of logic in Node);
 * - latest: the winning row per key at one instant (export), sorted by key;
 * - join chunk: the winning row per label for a chunk of labels sent as one JSON parameter.
 */
import type { CompiledQuery, SqlDialect, TimeComparison } from '../db/dialect.js';
import type { Feature, Group } from '../metadata/types.js';
import type { KeyTuple } from '../core/keys.js';
import { SqlBuilder, sourceSql } from './builder.js';
import { AliasedColumns, GroupColumns, KEY_ALIAS, keyEquality } from './group-columns.js';

export interface TimeParams {
  readonly ttlMs?: number;
  readonly knownAt: boolean;
}

export const SRC = 'src';

/** A group's rows under the fixed aliases of GroupColumns, from its source aliased `src`. */
export function innerSelect(dialect: SqlDialect, group: Group, features: readonly Feature[], where: readonly string[] = []): string {
  const cols = new GroupColumns(dialect, group, features, SRC);
  const filter = where.length > 0 ? ` WHERE ${where.join(' AND ')}` : '';
  return `SELECT ${cols.selectList()} FROM ${sourceSql(dialect, group.source, SRC)}${filter}`;
}

/**
 * All rows of the group, unordered and unfiltered: the merge drops rows later than every
 * label of their key itself, and a filter here would make engines compute the time
 * expression twice per row.
 */
export function scanQuery(dialect: SqlDialect, group: Group, features: readonly Feature[]): CompiledQuery {
  return new SqlBuilder(dialect).compile(innerSelect(dialect, group, features));
}

/**
 * The latest visible row of every key at `at`, ordered by key (SPEC §2, §3 export).
 * Times are compared the engine's own way (SqlDialect.timeComparison): instants are whole
 * milliseconds, so `e <= t` is written `e < t + 1ms`, exact also for stored microseconds.
 */
export function latestQuery(
  dialect: SqlDialect,
  group: Group,
  features: readonly Feature[],
  at: number,
  time: TimeParams,
  keys?: readonly KeyTuple[],
): CompiledQuery {
  const b = new SqlBuilder(dialect);
  const cols = new GroupColumns(dialect, group, features, SRC);
  const where = cols.sourceKeys().map((k) => `${k} IS NOT NULL`);
  const e = cols.eventComparison();
  const c = cols.createdComparison();
  const instant = (cmp: TimeComparison, ms: number) => cmp.instant(b.bind(cmp.instantValue(ms)));
  if (e) {
    where.push(`${e.column} < ${instant(e, at + 1)}`);
    if (time.ttlMs !== undefined) where.push(`${e.column} >= ${instant(e, at - time.ttlMs)}`);
    if (time.knownAt && c) where.push(`(${c.column} IS NULL OR ${c.column} < ${instant(c, at + 1)})`);
  }
  if (keys !== undefined) where.push(keyFilter(b, cols, keys));
  const order = !e ? '' : c ? `${e.column} DESC, CASE WHEN ${c.column} IS NULL THEN 1 ELSE 0 END, ${c.column} DESC` : `${e.column} DESC`;
  const window = `ROW_NUMBER() OVER (PARTITION BY ${cols.exactKeys().join(', ')}${order ? ` ORDER BY ${order}` : ''})`;
  const w = new AliasedColumns(dialect, group, 'w');
  const keyOrder = group.entity.keyTypes.map((type, i) => dialect.keyOrder(w.col(KEY_ALIAS(i)), type));
  return b.compile(
    `SELECT * FROM (SELECT ${cols.selectList({ times: false })}, ${window} AS ${b.id('__rn')}` +
      ` FROM ${sourceSql(dialect, group.source, SRC)} WHERE ${where.join(' AND ')}) AS ${b.id('w')}` +
      ` WHERE ${w.col('__rn')} = 1 ORDER BY ${keyOrder.join(', ')}`,
  );
}

/** `--key` restriction on the source's own columns, so an index on the key can serve it. */
export function keyFilter(b: SqlBuilder, cols: GroupColumns, keys: readonly KeyTuple[]): string {
  if (keys.length === 0) return '1 = 0';
  const types = cols.group.entity.keyTypes;
  const one = (key: KeyTuple) =>
    cols
      .sourceKeys()
      .flatMap((k, i) => keyEquality(b.dialect, k, () => b.bind(key[i]), types[i]!))
      .join(' AND ');
  return `(${keys.map((k) => `(${one(k)})`).join(' OR ')})`;
}

/**
 * The winning row per label of a chunk of labels, sent as one JSON parameter
 * (`[[labelNumber, timeMs, key0, …], …]`) at `labelsParameter`; labels with no visible
 * row are absent from the result.
 */
export function joinChunkQuery(dialect: SqlDialect, group: Group, features: readonly Feature[], time: TimeParams): ChunkQuery {
  const b = new SqlBuilder(dialect);
  const t = new AliasedColumns(dialect, group, 't');
  const { from: labels, col: l, on } = labelChunk(b, group, t);
  const ttl = time.ttlMs;
  const notBefore = ttl === undefined ? undefined : () => `${l('__t')} - ${Math.trunc(ttl)}`;
  const where = t.visibleAt(() => l('__t'), notBefore, time.knownAt);
  const order = t.priorityOrder();
  const window = `ROW_NUMBER() OVER (PARTITION BY ${l('__i')}${order ? ` ORDER BY ${order}` : ''})`;
  const w = new AliasedColumns(dialect, group, 'w');
  const query = b.compile(
    `SELECT * FROM (SELECT ${l('__i')} AS ${b.id('__i')}, ${b.id('t')}.*, ${window} AS ${b.id('__rn')}` +
      ` FROM ${labels} JOIN (${innerSelect(dialect, group, features)}) AS ${b.id('t')} ON ${on.join(' AND ')}` +
      (where.length > 0 ? ` WHERE ${where.join(' AND ')}` : '') +
      `) AS ${b.id('w')} WHERE ${w.col('__rn')} = 1`,
  );
  return { ...query, labelsParameter: 0 };
}

/**
 * A chunk of labels as the FROM item `l` over one JSON parameter (`[[labelNumber, timeMs,
 * key0, …], …]` as columns __i, __t, __k0…), its column references, and the key equalities
 * that join it to the group's rows seen as `t`.
 */
export function labelChunk(b: SqlBuilder, group: Group, t: AliasedColumns): { from: string; col: (name: string) => string; on: string[] } {
  const col = (name: string) => `${b.id('l')}.${b.id(name)}`;
  const from = b.dialect.jsonRows(b.bind('[]'), 'l', [
    { name: '__i', type: 'int' },
    { name: '__t', type: 'float' },
    ...group.entity.keyTypes.map((type, i) => ({ name: KEY_ALIAS(i), type })),
  ]);
  const on = t.keys().flatMap((k, i) => keyEquality(b.dialect, k, () => col(KEY_ALIAS(i)), group.entity.keyTypes[i]!));
  return { from, col, on };
}

/** A statement run once per chunk of labels; `labelsParameter` is the position of the chunk's JSON among its parameters. */
export interface ChunkQuery extends CompiledQuery {
  readonly labelsParameter: number;
}

/** The statement for one chunk: the planned one with the chunk's labels as JSON text in their parameter. */
export function withLabels(query: CompiledQuery, labelsParameter: number, json: string): CompiledQuery {
  const parameters = [...query.parameters];
  parameters[labelsParameter] = json;
  return { sql: query.sql, parameters };
}
