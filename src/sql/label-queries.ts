/**
 * Labels from a query on the features' database (SPEC §8), built by the engine's query compiler. The user's
 * SELECT is embedded as it is written, as a derived table (or the CTE of the database
 * join): it is SQL by design, run read-only like every statement. Nothing is materialised.
 *
 * - labels: the query's rows in the order of §8 as far as SQL gives it the same way on
 *   every engine — rows with a NULL time or key first (so a bad row is met before any
 *   output), then by time as an instant, then by key in compareKeys order; rows that
 *   share both are put in order in Node (io/label-values.ts);
 * - join: the whole training set in one statement, in the same order.
 */
import type { CompiledQuery, QueryCompiler } from '../db/dialect.js';
import type { EpochUnit, Feature, Group, KeyType } from '../metadata/types.js';
import type { TimeRules } from '../core/visibility.js';
import { SqlBuilder, sourceSql } from './builder.js';
import { AliasedColumns, FEATURE_ALIAS, keyEquality } from './group-columns.js';
import { aggregatedWinners, innerSelect, type Aliased } from './queries.js';
import { windowLabelsQuery } from './aggregate.js';

/** The column holding each label's time in epoch ms, computed by the database as for stored times (§2). */
export const LABEL_TIME = '__label_time';
/** The column of feature `f` of group `g` in the join statement's rows. */
export const JOINED_FEATURE = (g: number, f: number) => `__g${g}_f${f}`;

/**
 * Where a row of labelsQuery or labelsJoinQuery, read as an array, holds what: the labels
 * query's own columns first, in the query's order; then LABEL_TIME, unless the time is
 * read from its own field (`timeFromField`); then the join's features, in the order of its
 * groups and their features.
 */
export function labelRowLayout(labelColumns: number, timeFromField: boolean): { readonly time?: number; feature(k: number): number } {
  const features = labelColumns + (timeFromField ? 0 : 1);
  return { ...(timeFromField ? {} : { time: labelColumns }), feature: (k) => features + k };
}

/** What the statements need to know of a labels query. */
export interface LabelQuerySpec {
  readonly sql: string;
  readonly timestampColumn: string;
  readonly timestampUnit?: EpochUnit;
  /** The time column's type as the database reports it (QueryCompiler.epochMs's `storedType`). */
  readonly timestampType?: string;
  /** Every entity's key columns in the query, in plan order, with their types. */
  readonly keys: readonly { readonly column: string; readonly type: KeyType }[];
  /** The query's columns, in its order. */
  readonly columns: readonly string[];
  /**
   * Whether the rows leave LABEL_TIME out, to be read from the time column's own field
   * (QueryCompiler.labelTimeFromField): the statements then select the query's columns by
   * name and order by the time column itself.
   */
  readonly timeFromField: boolean;
}

/** A read of the database join: its group, features, time rules and the label columns holding its entity's key. */
export interface LabelJoinGroup {
  readonly group: Group;
  /** The latest row's values (SPEC §2), or aggregates over windows ending at each label's time (§7). */
  readonly operation: 'latest' | 'window';
  readonly features: readonly Feature[];
  readonly rules: TimeRules;
  readonly labelKeys: readonly string[];
}

/** `SELECT q.*, <time> AS __label_time FROM (<query>) AS q`. */
function labelsSelect(compiler: QueryCompiler, spec: LabelQuerySpec): string {
  const q = (name: string) => compiler.quoteIdentifier(name);
  const time = compiler.epochMs(`${q('q')}.${q(spec.timestampColumn)}`, spec.timestampUnit, spec.timestampType);
  return `SELECT ${q('q')}.*, ${time} AS ${q(LABEL_TIME)} FROM ${sourceSql(compiler, { kind: 'query', sql: spec.sql }, 'q')}`;
}

/** Where QueryCompiler.selectsSortTerms says so, the name the join statement selects its NULL flag as. */
const NULL_FLAG = '__sort_nulls';

/** Of label rows seen as `alias`: 0 where the time or a key is NULL, else 1 (such rows sort first). */
function nullFlag(compiler: QueryCompiler, spec: LabelQuerySpec, alias: string): string {
  const col = (name: string) => `${compiler.quoteIdentifier(alias)}.${compiler.quoteIdentifier(name)}`;
  const nullable = [col(LABEL_TIME), ...spec.keys.map((k) => col(k.column))];
  return `CASE WHEN ${nullable.map((c) => `${c} IS NULL`).join(' OR ')} THEN 0 ELSE 1 END`;
}

/** ORDER BY of label rows seen as `alias`: NULL time or key first (`flag`), then time, then keys in compareKeys order. */
function labelsOrder(compiler: QueryCompiler, spec: LabelQuerySpec, alias: string, flag = nullFlag(compiler, spec, alias)): string {
  const col = (name: string) => `${compiler.quoteIdentifier(alias)}.${compiler.quoteIdentifier(name)}`;
  // A time read from its field is a type that orders as its instant does (labelTimeFromField).
  const time = col(spec.timeFromField ? spec.timestampColumn : LABEL_TIME);
  return [flag, time, ...spec.keys.map((k) => compiler.keyOrder(col(k.column), k.type))].join(', ');
}

/** What a row of labels seen as `alias` starts with (labelRowLayout): the query's columns, and LABEL_TIME unless timeFromField. */
function labelsColumnList(compiler: QueryCompiler, spec: LabelQuerySpec, alias: string): string {
  const q = compiler.quoteIdentifier;
  return spec.timeFromField ? spec.columns.map((c) => `${q(alias)}.${q(c)}`).join(', ') : `${q(alias)}.*`;
}

/** The labels query's rows with their times, in order (what the merge reads). */
export function labelsQuery(compiler: QueryCompiler, spec: LabelQuerySpec): CompiledQuery {
  const q = compiler.quoteIdentifier;
  return new SqlBuilder(compiler).compile(
    `SELECT ${spec.timeFromField ? labelsColumnList(compiler, spec, 'l') : '*'} FROM (${labelsSelect(compiler, spec)}) AS ${q('l')} ORDER BY ${labelsOrder(compiler, spec, 'l')}`,
  );
}

/** The winning row per distinct (key, time) of the labels as rank 1 of ROW_NUMBER() over them, by priority. */
function rankedWinners(
  b: SqlBuilder,
  t: AliasedColumns,
  from: string,
  labelKeys: readonly string[],
  exactLabelKey: readonly string[],
  time: string,
  values: readonly Aliased[],
): string {
  const q = (name: string) => b.id(name);
  const order = t.priorityOrder();
  const rank = `ROW_NUMBER() OVER (PARTITION BY ${[...exactLabelKey, time].join(', ')}${order ? ` ORDER BY ${order}` : ''})`;
  const items = [
    ...labelKeys.map((c, j) => `${q('l')}.${q(c)} AS ${q(`__lk${j}`)}`),
    `${time} AS ${q('__lt')}`,
    ...values.map(([sql]) => sql),
    `${rank} AS ${q('__rn')}`,
  ];
  return `SELECT * FROM (SELECT ${items.join(', ')} FROM ${from}) AS ${q('x')} WHERE ${q('x')}.${q('__rn')} = 1`;
}

/**
 * The training set in one statement: every label row, then each read's features: from
 * the row that wins at the label's time (SPEC §2), or aggregated over the windows ending
 * there (§7). Either is computed once per distinct (key, time) of the labels — all a
 * label's features depend on — and joined back to every label row with that key and
 * time, so duplicate labels stay duplicates.
 */
export function labelsJoinQuery(compiler: QueryCompiler, spec: LabelQuerySpec, groups: readonly LabelJoinGroup[]): CompiledQuery {
  const b = new SqlBuilder(compiler);
  const q = (name: string) => b.id(name);
  const l = (name: string) => `${q('l')}.${q(name)}`;
  const time = l(LABEL_TIME);
  const joins: string[] = [];
  const selected: string[] = [];
  groups.forEach(({ group, operation, features, rules, labelKeys }, g) => {
    const types = group.entity.keyTypes;
    const w = (name: string) => `${q(`w${g}`)}.${q(name)}`;
    const labelKey = labelKeys.map((c, j) => compiler.exactKey(l(c), types[j]!));
    const back = [...labelKeys.map((_, j) => `${compiler.exactKey(w(`__lk${j}`), types[j]!)} = ${labelKey[j]}`), `${w('__lt')} = ${time}`];
    features.forEach((_, f) => selected.push(`${w(FEATURE_ALIAS(f))} AS ${q(JOINED_FEATURE(g, f))}`));
    if (operation === 'window') {
      const labels = { cte: '__labels', keys: labelKeys, time: LABEL_TIME };
      const windows = windowLabelsQuery(b, group, features, rules.knownAt, labels, (j) => `__lk${j}`, '__lt');
      joins.push(` LEFT JOIN (${windows}) AS ${q(`w${g}`)} ON ${back.join(' AND ')}`);
      return;
    }
    const t = new AliasedColumns(compiler, group, 't');
    const on = t.keys().flatMap((k, j) => keyEquality(compiler, k, () => l(labelKeys[j]!), types[j]!));
    const ttl = rules.ttlMs;
    const where = t.visibleAt(() => time, ttl === undefined ? undefined : () => `${time} - ${Math.trunc(ttl)}`, rules.knownAt);
    const from =
      `${q('__labels')} AS ${q('l')} JOIN (${innerSelect(compiler, group, features)}) AS ${q('t')} ON ${on.join(' AND ')}` +
      (where.length > 0 ? ` WHERE ${where.join(' AND ')}` : '');
    const values = features.map((_, f): Aliased => [`${q('t')}.${q(FEATURE_ALIAS(f))}`, FEATURE_ALIAS(f)]);
    const winner = compiler.greatestRow?.(values.map(([sql]) => sql), t.priorityTerms());
    const winners = winner
      ? aggregatedWinners(b, winner, from, [...labelKey.map((k, j): Aliased => [k, `__lk${j}`]), [time, '__lt']], values)
      : rankedWinners(b, t, from, labelKeys, labelKey, time, values);
    joins.push(` LEFT JOIN (${winners}) AS ${q(`w${g}`)} ON ${back.join(' AND ')}`);
  });
  // After the features, where no reader looks (labelRowLayout counts from the front).
  if (compiler.selectsSortTerms) selected.push(`${nullFlag(compiler, spec, 'l')} AS ${q(NULL_FLAG)}`);
  return b.compile(
    `WITH ${q('__labels')} AS (${labelsSelect(compiler, spec)})` +
      ` SELECT ${[labelsColumnList(compiler, spec, 'l'), ...selected].join(', ')} FROM ${q('__labels')} AS ${q('l')}${joins.join('')}` +
      ` ORDER BY ${labelsOrder(compiler, spec, 'l', compiler.selectsSortTerms ? q(NULL_FLAG) : undefined)}`,
  );
}
