/**
 * SQL for windowed aggregates (SPEC §7). Each aggregate feature has one SQL form, written
 * once here and used by both statements that compute windows in the database:
 *
 * - export: every key's aggregates over the window ending at the snapshot, sorted by key;
 * - join chunk: every label's aggregates over the window ending at its time, a range join
 *   of a chunk of labels (one JSON parameter) with the group's rows.
 *
 * The window at t holds rows with t - window < e <= t. Times are compared as whole epoch
 * milliseconds (the same floor the merge sees), so `e > t - w` is `e >= t - w + 1ms`.
 * Rows with a NULL event time fail every comparison and never count.
 */
import type { CompiledQuery, QueryCompiler, TimeComparison } from '../db/dialect.js';
import type { Feature, Group } from '../metadata/types.js';
import type { KeyTuple } from '../core/keys.js';
import { SqlBuilder, sourceSql } from './builder.js';
import { AliasedColumns, CREATED_ALIAS, EVENT_ALIAS, FEATURE_ALIAS, GroupColumns, KEY_ALIAS, keyEquality } from './group-columns.js';
import { innerSelect, keyFilter, labelChunk, SRC, type ChunkQuery } from './queries.js';

/** The longest window among the features: the range every statement reads. */
export function longestWindow(features: readonly Feature[]): number {
  return Math.max(...features.map((f) => f.aggregate!.windowMs));
}

/**
 * The aggregate of feature `f`, whose value is `value` (the __fN alias), over the rows
 * the statement joins; `inWindow` narrows to the feature's own window when it is shorter
 * than the statement's. NULLs are ignored by every SQL aggregate, as SPEC §7 says, and a
 * count of rows counts a constant that is never NULL.
 */
function aggregateSql(compiler: QueryCompiler, f: Feature, value: string, inWindow: string | undefined): string {
  const v = inWindow === undefined ? value : `CASE WHEN ${inWindow} THEN ${value} END`;
  switch (f.aggregate!.fn) {
    case 'count':
      return `COUNT(${v})`;
    case 'sum':
      return `SUM(${v})`;
    case 'avg':
      // `+ 0e0` makes the average a float on every engine: MySQL would round the average
      // of integers to 4 decimals, and a cast has no type name all three engines accept.
      return `AVG(${v} + 0e0)`;
    case 'min':
    case 'max': {
      // Strings compare byte for byte (code-point order), as the merge compares them,
      // whatever the column's collation.
      const x = f.type === 'string' ? compiler.keyOrder(v, 'string') : v;
      return `${f.aggregate!.fn.toUpperCase()}(${x})`;
    }
  }
}

/** `SELECT …aggregates AS __f0…`: each feature narrowed to its own window when shorter than `longest`. */
function aggregateList(compiler: QueryCompiler, features: readonly Feature[], col: (alias: string) => string, longest: number, startOf: (windowMs: number) => string): string[] {
  return features.map((f, i) => {
    const w = f.aggregate!.windowMs;
    const inWindow = w === longest ? undefined : `${col(EVENT_ALIAS)} >= ${startOf(w)}`;
    return `${aggregateSql(compiler, f, col(FEATURE_ALIAS(i)), inWindow)} AS ${compiler.quoteIdentifier(FEATURE_ALIAS(i))}`;
  });
}

/**
 * `export` of aggregate features: one row per key with at least one row in the longest
 * requested window (SPEC §7: a key is exported when it has a row in a requested feature's
 * window), ordered by key as latestQuery's rows are, so export can merge them by key.
 */
export function windowExportQuery(
  compiler: QueryCompiler,
  group: Group,
  features: readonly Feature[],
  at: number,
  knownAt: boolean,
  keys?: readonly KeyTuple[],
): CompiledQuery {
  const b = new SqlBuilder(compiler);
  const cols = new GroupColumns(compiler, group, features, SRC);
  const longest = longestWindow(features);
  const e = cols.eventComparison()!;
  const c = cols.createdComparison();
  const instant = (cmp: TimeComparison, ms: number) => cmp.instant(b.bind(cmp.instantValue(ms)));
  const w = new AliasedColumns(compiler, group, 'w');
  const types = group.entity.keyTypes;
  // Built first: `?` placeholders bind in text order, and the SELECT list comes before WHERE.
  const aggregates = aggregateList(compiler, features, (a) => w.col(a), longest, (windowMs) => b.bind(at - windowMs + 1));
  // The source's own columns in WHERE, compared natively, so an index on them can serve.
  const where = cols.sourceKeys().map((k) => `${k} IS NOT NULL`);
  where.push(`${e.column} < ${instant(e, at + 1)}`, `${e.column} >= ${instant(e, at - longest + 1)}`);
  if (knownAt && c) where.push(`(${c.column} IS NULL OR ${c.column} < ${instant(c, at + 1)})`);
  if (keys !== undefined) where.push(keyFilter(b, cols, keys));
  // Grouped by the exact (byte) form too, so a case-insensitive collation cannot merge 'a' and 'A'.
  const groupBy = w.keys().flatMap((k, i) => {
    const exact = compiler.exactKey(k, types[i]!);
    return exact === k ? [k] : [k, exact];
  });
  const keyOrder = types.map((type, i) => compiler.keyOrder(w.col(KEY_ALIAS(i)), type));
  return b.compile(
    `SELECT ${w.keys().map((k, i) => `${k} AS ${b.id(KEY_ALIAS(i))}`).join(', ')}, ${aggregates.join(', ')}` +
      ` FROM (SELECT ${cols.selectList()} FROM ${sourceSql(compiler, group.source, SRC)} WHERE ${where.join(' AND ')}) AS ${b.id('w')}` +
      ` GROUP BY ${groupBy.join(', ')} ORDER BY ${keyOrder.join(', ')}`,
  );
}

/**
 * The range join at the heart of a database join of aggregates: `from` (label rows with
 * their time as epoch ms in `time`) LEFT JOINed with the group's rows in the longest
 * window before each label, on `on` (the key equalities, against the rows seen as `t`),
 * and the aggregates to select per label over it. A LEFT JOIN, so every label gets a row
 * and an empty window gives count 0 and NULL for the other functions, from SQL itself.
 */
function windowRangeJoin(
  b: SqlBuilder,
  group: Group,
  features: readonly Feature[],
  knownAt: boolean,
  labels: { readonly from: string; readonly time: string; readonly on: (t: AliasedColumns) => string[] },
): { from: string; aggregates: string[] } {
  const t = new AliasedColumns(b.compiler, group, 't');
  const on = labels.on(t);
  const longest = longestWindow(features);
  // Window widths come from the metadata (whole milliseconds), never from a label.
  const startOf = (windowMs: number) => `${labels.time} - ${Math.trunc(windowMs) - 1}`;
  on.push(`${t.col(EVENT_ALIAS)} <= ${labels.time}`, `${t.col(EVENT_ALIAS)} >= ${startOf(longest)}`);
  if (knownAt && group.createdTime !== undefined) on.push(`(${t.col(CREATED_ALIAS)} IS NULL OR ${t.col(CREATED_ALIAS)} <= ${labels.time})`);
  return {
    from: `${labels.from} LEFT JOIN (${innerSelect(b.compiler, group, features)}) AS ${b.id('t')} ON ${on.join(' AND ')}`,
    aggregates: aggregateList(b.compiler, features, (a) => t.col(a), longest, startOf),
  };
}

/**
 * `join` of aggregate features in the database, for the labels of `labelChunk`: every
 * label's aggregates over the window ending at its time, grouped per label.
 */
export function windowJoinChunkQuery(compiler: QueryCompiler, group: Group, features: readonly Feature[], knownAt: boolean): ChunkQuery {
  const b = new SqlBuilder(compiler);
  const { from: labels, col: l, on, compile } = labelChunk(b, group, new AliasedColumns(compiler, group, 't'));
  const { from, aggregates } = windowRangeJoin(b, group, features, knownAt, { from: labels, time: l('__t'), on: () => on });
  return compile(`SELECT ${l('__i')} AS ${b.id('__i')}, ${aggregates.join(', ')} FROM ${from} GROUP BY ${l('__i')}`);
}

/**
 * The aggregates of a labels query's join (SPEC §8 with §7), as a derived table: one row
 * per distinct (key, time) of the labels in `labels` (a CTE whose key columns are
 * `labelKeys` and time `time`), with the key as `keyAlias(j)`, the time as `timeAlias`
 * and each feature as its __fN alias. Distinct first, so duplicate labels do not count
 * a row twice; the key's exact (byte) form is part of the distinct row, so a
 * case-insensitive collation cannot merge 'a' and 'A'.
 */
export function windowLabelsQuery(
  b: SqlBuilder,
  group: Group,
  features: readonly Feature[],
  knownAt: boolean,
  labels: { readonly cte: string; readonly keys: readonly string[]; readonly time: string },
  keyAlias: (j: number) => string,
  timeAlias: string,
): string {
  const compiler = b.compiler;
  const types = group.entity.keyTypes;
  const l = (name: string) => `${b.id('l')}.${b.id(name)}`;
  const d = (name: string) => `${b.id('d')}.${b.id(name)}`;
  const exact = (j: number) => `__lx${j}`;
  const distinct = [
    ...labels.keys.flatMap((c, j) => {
      const x = compiler.exactKey(l(c), types[j]!);
      return x === l(c) ? [`${l(c)} AS ${b.id(keyAlias(j))}`] : [`${l(c)} AS ${b.id(keyAlias(j))}`, `${x} AS ${b.id(exact(j))}`];
    }),
    `${l(labels.time)} AS ${b.id(timeAlias)}`,
  ];
  const grouped = [
    ...labels.keys.flatMap((c, j) => (compiler.exactKey(l(c), types[j]!) === l(c) ? [d(keyAlias(j))] : [d(keyAlias(j)), d(exact(j))])),
    d(timeAlias),
  ];
  const { from, aggregates } = windowRangeJoin(b, group, features, knownAt, {
    from: `(SELECT DISTINCT ${distinct.join(', ')} FROM ${b.id(labels.cte)} AS ${b.id('l')}) AS ${b.id('d')}`,
    time: d(timeAlias),
    on: (t) => t.keys().flatMap((k, j) => keyEquality(compiler, k, () => d(keyAlias(j)), types[j]!)),
  });
  return `SELECT ${[...labels.keys.map((_, j) => d(keyAlias(j))), d(timeAlias), ...aggregates].join(', ')} FROM ${from} GROUP BY ${grouped.join(', ')}`;
}
