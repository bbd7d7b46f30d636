/**
 * The three statements point-in-time work needs, built by the engine's query compiler. Pure: SQL text and
 * parameters out, nothing executed here. Each starts from the same inner SELECT of the
 * group's source (group-columns.ts) and works on its aliases.
 *
 * - scan: every row of a group (the streaming merge does the as-of logic in Node);
 * - latest: the winning row per key at one instant (export), sorted by key;
 * - join: the winning row per label, for labels bound as arrays or one JSON text.
 */
import type { CompiledQuery, GreatestRow, JsonColumn, QueryCompiler, TimeComparison } from '../db/dialect.js';
import type { Feature, Group } from '../metadata/types.js';
import type { KeyTuple } from '../core/keys.js';
import { SqlBuilder, sourceSql } from './builder.js';
import { AliasedColumns, CREATED_ALIAS, EVENT_ALIAS, exactInt, FEATURE_ALIAS, GroupColumns, KEY_ALIAS, keyEquality, readsExactInt } from './group-columns.js';

export interface TimeParams {
  readonly ttlMs?: number;
  readonly knownAt: boolean;
}

export const SRC = 'src';

/** A group's rows under the fixed aliases of GroupColumns, from its source aliased `src`. */
export function innerSelect(compiler: QueryCompiler, group: Group, features: readonly Feature[], where: readonly string[] = []): string {
  const cols = new GroupColumns(compiler, group, features, SRC);
  const filter = where.length > 0 ? ` WHERE ${where.join(' AND ')}` : '';
  return `SELECT ${cols.selectList()} FROM ${sourceSql(compiler, group.source, SRC)}${filter}`;
}

/**
 * All rows of the group, unordered and unfiltered: the merge drops rows later than every
 * label of their key itself, and a filter here would make engines compute the time
 * expression twice per row.
 */
export function scanQuery(compiler: QueryCompiler, group: Group, features: readonly Feature[]): CompiledQuery {
  const { sql: list, scanTimesAt, reads } = new GroupColumns(compiler, group, features, SRC).scanList();
  const { source } = group;
  const query: CompiledQuery = new SqlBuilder(compiler).compile(`SELECT ${list} FROM ${sourceSql(compiler, source, SRC)}`);
  const whole = source.kind === 'table' ? { ...query, wholeTable: { table: source.table, alias: SRC, ...(reads ? { items: reads } : {}) } } : query;
  return scanTimesAt.length > 0 ? { ...whole, scanTimesAt } : whole;
}

/** latestQuery's statement; with `repeatsKeys`, a key may have several rows, its winner first. */
export interface LatestQuery extends CompiledQuery {
  readonly repeatsKeys?: boolean;
}

/**
 * The latest visible row of every key at `at`, ordered by key (SPEC §2, §3 export), as
 * keys then features (`selectList` without times) and maybe more columns after them.
 * Times are compared the engine's own way (QueryCompiler.timeComparison): instants are whole
 * milliseconds, so `e <= t` is written `e < t + 1ms`, exact also for stored microseconds.
 * The newest row of a key is kept the engine's cheapest way (QueryCompiler.latestRow).
 */
export function latestQuery(
  compiler: QueryCompiler,
  group: Group,
  features: readonly Feature[],
  at: number,
  time: TimeParams,
  keys?: readonly KeyTuple[],
): LatestQuery {
  const b = new SqlBuilder(compiler);
  const cols = new GroupColumns(compiler, group, features, SRC);
  const notNull = cols.sourceKeys().map((k) => `${k} IS NOT NULL`);
  const keyWhere = keys === undefined ? [] : [keyFilter(b, cols, keys)];
  const e = cols.eventComparison();
  const c = cols.createdComparison();
  const instant = (cmp: TimeComparison, ms: number) => cmp.instant(b.bind(cmp.instantValue(ms)));
  /** SPEC §2 visibility at `at`, on the event and created times as `e` and `c` compare them. */
  const visible = (e: TimeComparison, c: TimeComparison | undefined): string[] => {
    const where: string[] = [];
    if (time.ttlMs !== undefined && e.wholeMs) where.push(`${e.column} BETWEEN ${instant(e, at - time.ttlMs)} AND ${instant(e, at)}`);
    else {
      where.push(`${e.column} < ${instant(e, at + 1)}`);
      if (time.ttlMs !== undefined) where.push(`${e.column} >= ${instant(e, at - time.ttlMs)}`);
    }
    if (time.knownAt && c) where.push(`(${c.column} IS NULL OR ${c.column} < ${instant(c, at + 1)})`);
    return where;
  };
  const keyFilterOn = (t: GroupColumns) => (keys === undefined ? [] : [keyFilter(b, t, keys)]);
  const sourceOrder = group.entity.keyTypes.map((type, i) => compiler.keyOrder(cols.sourceKeys()[i]!, type));
  if (compiler.latestRow === 'bare-max' && e && c && compiler.orderedText) {
    return b.compile(newestByOrderedText(compiler, group, features, [...notNull, ...keyWhere], visible(aliased(e, EVENT_ALIAS), aliased(c, CREATED_ALIAS))));
  }
  const where = [...notNull, ...(e ? visible(e, c) : []), ...keyWhere];
  const from = `FROM ${sourceSql(compiler, group.source, SRC)} WHERE ${where.join(' AND ')}`;
  // Newest first: event time, then created time with NULL last (SPEC §2); visible rows all
  // have an event time. Beyond that the engine picks.
  const priority = !e ? [] : c ? [`${e.column} DESC`, compiler.descNullsLast(c.column)] : [`${e.column} DESC`];
  // Only without a ttl: then every row up to `at` is visible (all of them, at "now"), the
  // case where the ranked copy outgrows the server's in-memory temporary table. A ttl's
  // rows are a recent slice, which the window ranks with one scan instead of two; and only
  // a table, as the join would run a `query:` source twice.
  if (compiler.latestRow === 'max-join' && e && time.ttlMs === undefined && group.source.kind === 'table') {
    return { ...b.compile(newestByMaxJoin(b, group, features, where, (t) => [...visible(t.eventComparison()!, t.createdComparison()), ...keyFilterOn(t)])), repeatsKeys: true };
  }
  if (compiler.latestRow === 'distinct-on') {
    // PostgreSQL's key order compares the exact form (bytes), so it can also say which keys are one.
    return b.compile(`SELECT DISTINCT ON (${sourceOrder.join(', ')}) ${cols.selectList({ times: false })} ${from} ORDER BY ${[...sourceOrder, ...priority].join(', ')}`);
  }
  if (compiler.latestRow === 'bare-max' && e && !c) {
    // The other columns of a max() aggregate's query come from the row holding the maximum.
    return b.compile(
      `SELECT ${cols.selectList({ times: false })}, max(${e.column}) AS ${b.id(EVENT_ALIAS)} ${from} GROUP BY ${cols.exactKeys().join(', ')} ORDER BY ${sourceOrder.join(', ')}`,
    );
  }
  const window = `ROW_NUMBER() OVER (PARTITION BY ${cols.exactKeys().join(', ')}${priority.length > 0 ? ` ORDER BY ${priority.join(', ')}` : ''})`;
  const w = new AliasedColumns(compiler, group, 'w');
  const keyOrder = group.entity.keyTypes.map((type, i) => compiler.keyOrder(w.col(KEY_ALIAS(i)), type));
  return b.compile(
    `SELECT * FROM (SELECT ${cols.selectList({ times: false })}, ${window} AS ${b.id('__rn')} ${from}) AS ${b.id('w')}` +
      ` WHERE ${w.col('__rn')} = 1 ORDER BY ${keyOrder.join(', ')}`,
  );

  /**
   * A comparison on the time the inner select list (selectList) holds under `alias`. That
   * item is the time's epochMs, which is the very expression an engine with orderedText
   * (SQLite) compares (its timeComparison), so only the column changes.
   */
  function aliased(cmp: TimeComparison, alias: string): TimeComparison {
    return { ...cmp, column: new AliasedColumns(compiler, group, 'w').col(alias) };
  }
}

/**
 * The newest row of each key of a group with an event and a created time, as one max()
 * whose other (bare) columns come from the row holding the maximum (SQLite): the maximum of
 * orderedText(event) || orderedText(created), text that orders as the pair (event, created),
 * a NULL created time lowest (SPEC §2). One pass over the rows grouped by key, instead of
 * ranking every visible row with ROW_NUMBER() and keeping rank 1 (about 1.6x its CPU).
 * The times are computed once per row, in the inner query: a LIMIT keeps SQLite from
 * flattening it into the aggregate, which would compute each time again where it is used.
 */
function newestByOrderedText(compiler: QueryCompiler, group: Group, features: readonly Feature[], keyWhere: readonly string[], visible: readonly string[]): string {
  const q = compiler.quoteIdentifier;
  const cols = new GroupColumns(compiler, group, features, SRC);
  const w = new AliasedColumns(compiler, group, 'w');
  // Ints are read exactly in the outer list, once per key, not per row of the inner query
  // (which computes every item of every row: ~0.05 s of the 2 s of a scale-1 export).
  const inner = `SELECT ${cols.selectList({ exactInts: false })} FROM ${sourceSql(compiler, group.source, SRC)} WHERE ${keyWhere.join(' AND ')} LIMIT -1`;
  const text = compiler.orderedText!;
  const newest = `max(${text(w.col(EVENT_ALIAS))} || ${text(w.col(CREATED_ALIAS))})`;
  const value = (f: Feature, i: number) => (readsExactInt(f) ? exactInt(compiler, w.col(FEATURE_ALIAS(i))) : w.col(FEATURE_ALIAS(i)));
  const list = [...w.keys().map((k, i) => `${k} AS ${q(KEY_ALIAS(i))}`), ...features.map((f, i) => `${value(f, i)} AS ${q(FEATURE_ALIAS(i))}`), `${newest} AS ${q(EVENT_ALIAS)}`];
  const exact = w.keys().map((k, i) => compiler.exactKey(k, group.entity.keyTypes[i]!));
  const order = w.keys().map((k, i) => compiler.keyOrder(k, group.entity.keyTypes[i]!));
  return `SELECT ${list.join(', ')} FROM (${inner}) AS ${q('w')} WHERE ${visible.join(' AND ')} GROUP BY ${exact.join(', ')} ORDER BY ${order.join(', ')}`;
}

/**
 * The newest rows of each key of a group with an event time, as the greatest visible event
 * time per key joined back to the visible rows holding it, ordered by key then created time
 * (NULL last, SPEC §2): the first row of each key wins, and the caller skips the others
 * (rows tied on event and created time, where SPEC §2 lets any one win). Ranking every
 * visible row with ROW_NUMBER() has MariaDB write them all to a temporary table, which
 * past tmp_table_size (16 MiB by default) goes to disk: a scale-1 table at "now" took
 * 2.3-2.9 s of server CPU that way, 0.8-0.9 s this way. The maxima are grouped by sorting
 * the rows (`sortedGroupBy`), not in a temporary table updated per row (1.0-1.6 s). `where` is the
 * visibility of `src`'s rows; `visibleOn(t)` the same for another alias of the source.
 */
function newestByMaxJoin(b: SqlBuilder, group: Group, features: readonly Feature[], where: readonly string[], visibleOn: (t: GroupColumns) => string[]): string {
  const compiler = b.compiler;
  const types = group.entity.keyTypes;
  const src = new GroupColumns(compiler, group, features, SRC);
  const a = new GroupColumns(compiler, group, features, 'a');
  const x = (name: string) => `${b.id('x')}.${b.id(name)}`;
  // Grouped by the exact (byte) form too, so a case-insensitive collation cannot merge 'a' and 'A'.
  const groupBy = src.sourceKeys().flatMap((k, i) => {
    const exact = compiler.exactKey(k, types[i]!);
    return exact === k ? [k] : [k, exact];
  });
  const newest = `max(${src.eventComparison()!.column})`;
  const perKey = `SELECT ${compiler.sortedGroupBy ? `${compiler.sortedGroupBy} ` : ''}${src.sourceKeys().map((k, i) => `${k} AS ${b.id(KEY_ALIAS(i))}`).join(', ')}, ${newest} AS ${b.id('__m')} FROM ${sourceSql(compiler, group.source, SRC)} WHERE ${where.join(' AND ')} GROUP BY ${groupBy.join(', ')}`;
  const on = [...a.sourceKeys().flatMap((k, i) => keyEquality(compiler, k, () => x(KEY_ALIAS(i)), types[i]!)), `${a.eventComparison()!.column} = ${x('__m')}`];
  const c = a.createdComparison();
  const order = [...a.sourceKeys().map((k, i) => compiler.keyOrder(k, types[i]!)), ...(c ? [compiler.descNullsLast(c.column)] : [])];
  return (
    `SELECT ${a.selectList({ times: false })} FROM ${sourceSql(compiler, group.source, 'a')} JOIN (${perKey}) AS ${b.id('x')} ON ${on.join(' AND ')}` +
    ` WHERE ${visibleOn(a).join(' AND ')} ORDER BY ${order.join(', ')}`
  );
}

/** An expression and the alias it is selected as. */
export type Aliased = readonly [sql: string, alias: string];

/**
 * `SELECT <by>, <values>`, one row per set of `from`'s rows sharing the `by` expressions,
 * the values from the set's winning row (SPEC §2) by the dialect's greatestRow aggregate.
 * `from` is a FROM clause (its WHERE included) where the group's rows are `t`.
 */
export function aggregatedWinners(b: SqlBuilder, winner: GreatestRow, from: string, by: readonly Aliased[], values: readonly Aliased[]): string {
  const x = (alias: string) => `${b.id('x')}.${b.id(alias)}`;
  const inner = `SELECT ${by.map(([sql, alias]) => `${sql} AS ${b.id(alias)}`).join(', ')}, ${winner.aggregate} AS ${b.id('__w')} FROM ${from} GROUP BY ${by.map(([sql]) => sql).join(', ')}`;
  const outer = [...by.map(([, alias]) => x(alias)), ...values.map(([, alias], i) => `${winner.field(x('__w'), i)} AS ${b.id(alias)}`)];
  return `SELECT ${outer.join(', ')} FROM (${inner}) AS ${b.id('x')}`;
}

/** `--key` restriction on the source's own columns, so an index on the key can serve it. */
export function keyFilter(b: SqlBuilder, cols: GroupColumns, keys: readonly KeyTuple[]): string {
  if (keys.length === 0) return '1 = 0';
  const types = cols.group.entity.keyTypes;
  const one = (key: KeyTuple) =>
    cols
      .sourceKeys()
      .flatMap((k, i) => keyEquality(b.compiler, k, () => b.bind(key[i]), types[i]!))
      .join(' AND ');
  return `(${keys.map((k) => `(${one(k)})`).join(' OR ')})`;
}

/**
 * The winning row per label, for the labels of `labelChunk` (all of them in one statement
 * where the engine allows: see labelStatements); labels with no visible row are absent
 * from the result. The database picks the join: a hash join of the labels to the table,
 * or a nested loop over an index on the key when labels are few.
 */
export function joinChunkQuery(compiler: QueryCompiler, group: Group, features: readonly Feature[], time: TimeParams): ChunkQuery {
  const b = new SqlBuilder(compiler);
  const t = new AliasedColumns(compiler, group, 't');
  const { from: labels, col: l, on, compile } = labelChunk(b, group, t);
  const ttl = time.ttlMs;
  const notBefore = ttl === undefined ? undefined : () => `${l('__t')} - ${Math.trunc(ttl)}`;
  const where = t.visibleAt(() => l('__t'), notBefore, time.knownAt);
  const from = `${labels} JOIN (${innerSelect(compiler, group, features)}) AS ${b.id('t')} ON ${on.join(' AND ')}` + (where.length > 0 ? ` WHERE ${where.join(' AND ')}` : '');
  const values = features.map((_, f): Aliased => [`${b.id('t')}.${b.id(FEATURE_ALIAS(f))}`, FEATURE_ALIAS(f)]);
  const winner = compiler.greatestRow?.(values.map(([sql]) => sql), t.priorityTerms());
  if (winner) return compile(aggregatedWinners(b, winner, from, [[l('__i'), '__i']], values));
  const order = t.priorityOrder();
  const window = `ROW_NUMBER() OVER (PARTITION BY ${l('__i')}${order ? ` ORDER BY ${order}` : ''})`;
  const w = new AliasedColumns(compiler, group, 'w');
  return compile(
    `SELECT * FROM (SELECT ${l('__i')} AS ${b.id('__i')}, ${b.id('t')}.*, ${window} AS ${b.id('__rn')}` +
      ` FROM ${from}) AS ${b.id('w')} WHERE ${w.col('__rn')} = 1`,
  );
}

/**
 * The labels as the FROM item `l` (columns __i label number, __t time in epoch ms, __k0…
 * keys), bound as one array per column where the compiler takes arrays (`arrayRows`), else
 * as one JSON text (`[[labelNumber, timeMs, key0, …], …]`, `jsonRows`); its column
 * references; the key equalities that join it to the group's rows seen as `t`; and
 * `compile`, which finishes the statement and notes where the labels' parameters went.
 */
export function labelChunk(
  b: SqlBuilder,
  group: Group,
  t: AliasedColumns,
): { from: string; col: (name: string) => string; on: string[]; compile: (sql: string) => ChunkQuery } {
  const col = (name: string) => `${b.id('l')}.${b.id(name)}`;
  const columns: JsonColumn[] = [
    { name: '__i', type: 'int' },
    { name: '__t', type: 'float' },
    ...group.entity.keyTypes.map((type, i) => ({ name: KEY_ALIAS(i), type })),
  ];
  const compiler = b.compiler;
  // Stand-ins bound now and swapped for the labels per run (labelStatements); distinct, so each one's position can be found.
  const slot = (i: number) => `${LABELS_SLOT}${i}`;
  const form: LabelParameters['form'] = compiler.arrayRows ? 'arrays' : 'json';
  const from =
    form === 'arrays'
      ? compiler.arrayRows!(
          columns.map((_, i) => b.bind(slot(i))),
          'l',
          columns,
        )
      : compiler.jsonRows(b.bind(slot(0)), 'l', columns);
  const on = t.keys().flatMap((k, i) => keyEquality(compiler, k, () => col(KEY_ALIAS(i)), group.entity.keyTypes[i]!));
  const compile = (sql: string): ChunkQuery => {
    const query = b.compile(sql);
    const positions = (form === 'arrays' ? columns : columns.slice(0, 1)).map((_, i) => query.parameters.indexOf(slot(i)));
    return { ...query, labels: { form, positions } };
  };
  return { from, col, on, compile };
}

const LABELS_SLOT = '\u0001labels:';

/** Where a database join's labels go among its statement's parameters. */
export interface LabelParameters {
  /** One JSON text of rows, or one array per column. */
  readonly form: 'json' | 'arrays';
  /** The JSON text's position, or each column's array's, in column order. */
  readonly positions: readonly number[];
}

/** A database join's statement for one group; its labels are put in by `labelStatements`. */
export interface ChunkQuery extends CompiledQuery {
  readonly labels: LabelParameters;
}

/**
 * The statements that join `count` labels (`row(i)` is label i's `[i, timeMs, key0, …]`):
 * one, where labels travel as arrays; as JSON, as few as keep each statement within the
 * engine's `maxBytes` (one up to ~150,000 int-keyed labels on MariaDB's 4 MiB), counting
 * the bytes a driver that inlines values adds to escape quotes and backslashes.
 */
export function* labelStatements(query: ChunkQuery, maxBytes: number, count: number, row: (i: number) => readonly unknown[]): Generator<CompiledQuery> {
  const { form, positions } = query.labels;
  const withValues = (values: readonly unknown[]): CompiledQuery => {
    const parameters = [...query.parameters];
    positions.forEach((p, i) => (parameters[p] = values[i]));
    return { sql: query.sql, parameters };
  };
  if (count === 0) return;
  if (form === 'arrays') {
    const columns = positions.map(() => new Array<unknown>(count));
    for (let i = 0; i < count; i++) {
      const r = row(i);
      for (let c = 0; c < columns.length; c++) columns[c]![i] = r[c];
    }
    yield withValues(columns);
    return;
  }
  // 1 KiB spare for the rest of the packet; a statement always takes at least one label.
  const budget = maxBytes - Buffer.byteLength(query.sql) - 1024;
  let parts: string[] = [];
  let bytes = 2;
  for (let i = 0; i < count; i++) {
    const json = JSON.stringify(row(i));
    let cost = Buffer.byteLength(json) + 1;
    for (let c = 0; c < json.length; c++) {
      const ch = json.charCodeAt(c);
      if (ch === 0x22 || ch === 0x27 || ch === 0x5c) cost++;
    }
    if (parts.length > 0 && bytes + cost > budget) {
      yield withValues([`[${parts.join(',')}]`]);
      parts = [];
      bytes = 2;
    }
    parts.push(json);
    bytes += cost;
  }
  yield withValues([`[${parts.join(',')}]`]);
}
