/**
 * Request → Plan. A plan is plain data, built before anything runs: the resolved
 * features, the per-group time rules, the strategy and the SQL each group will run.
 * `--dry-run` prints it; the executors in src/pit/ run it.
 */
import type { ColumnInfo, CompiledQuery, QueryCompiler } from '../db/dialect.js';
import { OptionError, SpellbookError } from '../errors.js';
import type { Entity, Feature, Group, Metadata } from '../metadata/types.js';
import type { KeyTuple } from '../core/keys.js';
import { normaliseKeyValue } from '../core/keys.js';
import { joinChunkQuery, latestQuery, scanQuery, type LabelParameters } from '../sql/queries.js';
import { labelsJoinQuery, labelsQuery, type LabelQuerySpec } from '../sql/label-queries.js';
import { formatDuration } from '../time/duration.js';
import { byRead, resolveFeatures, type Operation, type SelectedFeature } from './features.js';
import { windowExportQuery, windowJoinChunkQuery } from '../sql/aggregate.js';
import { scannedValueKey } from '../sql/group-columns.js';
import type { TimeRules } from '../core/visibility.js';
import { LabelColumns, type LabelSource } from '../io/labels.js';
import { QUERY_SOURCE } from '../io/label-query.js';
import { suggest } from '../util/suggest.js';
import { withThousands } from '../util/thousands.js';

export type Strategy = 'merge' | 'database';
export type StrategyChoice = Strategy | 'auto';
export const STRATEGIES: readonly StrategyChoice[] = ['auto', 'database', 'merge'];

/**
 * One read of a group: its features of one operation (latest value or window aggregates)
 * and the exact statement that computes them. A group with both kinds of features has
 * two reads. The executors run `query` as it is here; nothing rebuilds it.
 */
export interface GroupPlan {
  readonly group: Group;
  readonly operation: Operation;
  /** The requested features of this read, in request order. */
  readonly features: readonly SelectedFeature[];
  /** For each feature, its position among the plan's features (the output columns' order). */
  readonly outputs: readonly number[];
  /** SPEC §2 rules; for a window read the ttl is absent (SPEC §7: a window is its own bound). */
  readonly rules: TimeRules;
  /** The statement the read runs. For a database join, the labels go into it at `labels` (see labelStatements). */
  readonly query: CompiledQuery;
  /** Export only: the statement may return several rows of a key, the winning one first; the others are skipped. */
  readonly repeatsKeys?: boolean;
  readonly labels?: LabelParameters;
  /**
   * Merge only, a group with both kinds of features: the one scan serves both reads. The
   * window read's `query` selects its own features then the latest read's; it names the
   * latest read (by position in the plan) in `alongside`, and that read names it back in
   * `scannedBy` and runs no statement of its own.
   */
  readonly alongside?: number;
  readonly scannedBy?: number;
  /**
   * Merge only, reads with aggregates and the reads sharing their scan: where each feature's
   * values are among the scan's feature columns (`positions`, one per feature), and how
   * many columns the scan selects (`width`). Aggregates of one column read it once (count,
   * sum, avg and max of `amount` are one column, not four). Absent: feature i is column i.
   */
  readonly scan?: { readonly width: number; readonly positions: readonly number[] };
}

export interface CommonRequest {
  readonly features: readonly string[];
  readonly knownAt?: boolean;
  /** `--ttl GROUP=DURATION` overrides, in ms. */
  readonly ttl?: Readonly<Record<string, number>>;
  readonly fullNames?: boolean;
}

export interface ExportRequest extends CommonRequest {
  /** Epoch ms; default now. */
  readonly snapshot?: number;
  /** Key tuples as text, one string per key column. */
  readonly keys?: readonly (readonly string[])[];
  readonly limit?: number;
}

export interface ExportPlan {
  readonly kind: 'export';
  readonly entity: Entity;
  readonly snapshot: number;
  readonly knownAt: boolean;
  readonly keys?: readonly KeyTuple[];
  readonly limit?: number;
  readonly features: readonly SelectedFeature[];
  readonly groups: readonly GroupPlan[];
  /** Output columns: the entity key columns then the feature columns. */
  readonly columns: readonly string[];
}

export interface JoinRequest extends CommonRequest {
  /** The labels CSV file; or, instead, */
  readonly inputFile?: string;
  /** The labels CSV's field separator (default `,`; `\t` or `tab` for tabs), as --delimiter. */
  readonly delimiter?: string;
  /** one SELECT on the features' database whose rows are the labels (SPEC §8). */
  readonly inputQuery?: string;
  readonly timestampColumn?: string;
  readonly timestampUnit?: 's' | 'ms';
  /** `--entity-column ENTITY=COLUMN[,COLUMN…]` */
  readonly entityColumns?: Readonly<Record<string, readonly string[]>>;
  readonly strategy?: StrategyChoice;
  /**
   * The merge's number of key-hash partitions (1: one pass). Chosen from the label count
   * when absent; a larger number bounds memory further at the price of temporary files.
   */
  readonly partitions?: number;
}

export interface JoinPlan {
  readonly kind: 'join';
  /** Where the label rows come from. */
  readonly labels: LabelSource;
  readonly timestampColumn: string;
  readonly timestampUnit?: 's' | 'ms';
  readonly knownAt: boolean;
  readonly strategy: Strategy;
  readonly strategyReason: string;
  readonly inputColumns: readonly string[];
  readonly entities: readonly { entity: Entity; columns: readonly string[] }[];
  readonly features: readonly SelectedFeature[];
  readonly groups: readonly GroupPlan[];
  readonly columns: readonly string[];
  /** The merge's partition count when the caller fixed it (JoinRequest.partitions). */
  readonly partitions?: number;
  /**
   * Labels from a query with the database strategy: the whole join as one statement, the
   * query inside it (each group's `query` is this statement too).
   */
  readonly statement?: CompiledQuery;
}

/** The labels as planning sees them: a file's header, or a query and its result's columns. */
export type LabelInput =
  | { readonly kind: 'csv' | 'parquet'; readonly file: string; readonly delimiter: string; readonly header: readonly string[] }
  | { readonly kind: 'query'; readonly sql: string; readonly columns: readonly ColumnInfo[] };

function timeRules(group: Group, operation: Operation, request: CommonRequest): TimeRules {
  const override = request.ttl?.[group.name];
  const ttlMs = group.eventTime && operation === 'latest' ? (override ?? group.ttlMs) : undefined;
  return { ttlMs, knownAt: request.knownAt === true };
}

function checkTtlOverrides(md: Metadata, request: CommonRequest): void {
  for (const name of Object.keys(request.ttl ?? {})) {
    const group = md.groups.find((g) => g.name === name);
    if (!group) throw new OptionError('ttl', 'NOT_FOUND', `{option} names unknown group "${name}"${suggest(name, md.groups.map((g) => g.name))}`);
    if (!group.eventTime) throw new OptionError('ttl', 'USAGE', `{option} ${name}=…: group ${name} has no event_time, so a ttl does not apply`);
  }
}

export function planExport(md: Metadata, compiler: QueryCompiler, request: ExportRequest): ExportPlan {
  checkTtlOverrides(md, request);
  const features = resolveFeatures(md, request.features, { fullNames: request.fullNames === true });
  const entities = [...new Set(features.map((f) => f.group.entity))];
  if (entities.length > 1) {
    const list = entities.map((e) => `${e.name} (${features.filter((f) => f.group.entity === e).map((f) => f.group.name).filter((v, i, a) => a.indexOf(v) === i).join(', ')})`);
    throw new SpellbookError('USAGE', `export features must all belong to groups of one entity; got ${list.join(' and ')}`);
  }
  const entity = entities[0]!;
  const columns = [...entity.keyColumns, ...features.map((f) => f.column)];
  resolveFeatures(md, request.features, { fullNames: request.fullNames === true, reservedColumns: entity.keyColumns });
  const keys = request.keys?.map((k) => parseKey(entity, k));
  const snapshot = request.snapshot ?? Date.now();
  if (request.limit !== undefined && (!Number.isInteger(request.limit) || request.limit < 0)) {
    throw new OptionError('limit', 'USAGE', `{option} must be a whole number, got ${request.limit}`);
  }
  const groups = byRead(features).map(({ group, operation, features: fs, outputs }): GroupPlan => {
    const rules = timeRules(group, operation, request);
    const feats = fs.map((f) => f.feature);
    if (operation === 'window') return { group, operation, features: fs, outputs, rules, query: windowExportQuery(compiler, group, feats, snapshot, rules.knownAt, keys) };
    const { repeatsKeys, ...query } = latestQuery(compiler, group, feats, snapshot, rules, keys);
    return { group, operation, features: fs, outputs, rules, query, ...(repeatsKeys ? { repeatsKeys } : {}) };
  });
  return { kind: 'export', entity, snapshot, knownAt: request.knownAt === true, keys, limit: request.limit, features, groups, columns };
}

/** `--key` text to a typed key tuple. */
function parseKey(entity: Entity, parts: readonly string[]): KeyTuple {
  if (parts.length !== entity.keyColumns.length) {
    throw new OptionError('keys', 'USAGE', `{option} ${parts.join(',')}: entity ${entity.name} has ${entity.keyColumns.length} key column(s) (${entity.keyColumns.join(', ')})`);
  }
  return parts.map((p, i) => {
    const v = normaliseKeyValue(p, entity.keyTypes[i]!);
    if (v === undefined || p === '') throw new OptionError('keys', 'USAGE', `{option} ${parts.join(',')}: ${JSON.stringify(p)} is not a valid ${entity.keyTypes[i]} for ${entity.keyColumns[i]}`);
    return v;
  });
}

export function planJoin(md: Metadata, compiler: QueryCompiler, request: JoinRequest, input: LabelInput, facts?: StrategyFacts): JoinPlan {
  checkTtlOverrides(md, request);
  const inputColumns = input.kind === 'query' ? input.columns.map((c) => c.name) : input.header;
  const features = resolveFeatures(md, request.features, { fullNames: request.fullNames === true, reservedColumns: inputColumns });
  const entityList = [...new Set(features.map((f) => f.group.entity))];
  for (const name of Object.keys(request.entityColumns ?? {})) {
    const e = md.entities.find((x) => x.name === name);
    if (!e) throw new OptionError('entityColumns', 'NOT_FOUND', `{option} names unknown entity "${name}"${suggest(name, md.entities.map((x) => x.name))}`);
    if (request.entityColumns![name]!.length !== e.keyColumns.length) {
      throw new OptionError('entityColumns', 'USAGE', `{option} ${name}=…: entity ${name} has ${e.keyColumns.length} key column(s) (${e.keyColumns.join(', ')}); give as many`, ', comma-separated');
    }
  }
  const entities = entityList.map((entity) => ({ entity, columns: request.entityColumns?.[entity.name] ?? entity.keyColumns }));
  const timestampColumn = request.timestampColumn ?? 'event_timestamp';
  const strategy = chooseStrategy(request.strategy ?? 'auto', facts);
  const groups = byRead(features).map(({ group, operation, features: fs, outputs }) => ({ group, operation, features: fs, outputs, rules: timeRules(group, operation, request) }));
  const common = {
    kind: 'join' as const,
    timestampColumn,
    timestampUnit: request.timestampUnit,
    knownAt: request.knownAt === true,
    ...strategy,
    inputColumns,
    entities,
    features,
    columns: [...inputColumns, ...features.map((f) => f.column)],
    partitions: request.partitions,
  };
  if (input.kind !== 'query') {
    if (strategy.strategy === 'merge') return { ...common, labels: { kind: input.kind, file: input.file, delimiter: input.delimiter }, groups: mergeScans(compiler, groups) };
    const planned = groups.map((g): GroupPlan => {
      const feats = g.features.map((f) => f.feature);
      const { labels, ...query } =
        g.operation === 'window' ? windowJoinChunkQuery(compiler, g.group, feats, g.rules.knownAt) : joinChunkQuery(compiler, g.group, feats, g.rules);
      return { ...g, query, labels };
    });
    return { ...common, labels: { kind: input.kind, file: input.file, delimiter: input.delimiter }, groups: planned };
  }
  // A query's columns are known now: a missing timestamp or key column is reported before anything runs.
  new LabelColumns(QUERY_SOURCE, inputColumns, { timestampColumn, timestampUnit: request.timestampUnit, entities });
  const timestampType = input.columns.find((c) => c.name === timestampColumn)?.dbType;
  const spec: LabelQuerySpec = {
    sql: input.sql,
    timestampColumn,
    timestampUnit: request.timestampUnit,
    timestampType,
    keys: entities.flatMap(({ entity, columns }) => columns.map((column, i) => ({ column, type: entity.keyTypes[i]! }))),
    columns: inputColumns,
    timeFromField: request.timestampUnit === undefined && timestampType !== undefined && compiler.labelTimeFromField?.(timestampType) === true,
  };
  const labels = {
    kind: 'query' as const,
    sql: input.sql,
    columns: input.columns,
    keyColumns: spec.keys.map((k) => k.column),
    ...(spec.timeFromField ? { timeField: timestampColumn } : {}),
    statement: labelsQuery(compiler, spec),
  };
  if (strategy.strategy === 'merge') return { ...common, labels, groups: mergeScans(compiler, groups) };
  const statement = labelsJoinQuery(
    compiler,
    spec,
    groups.map((g) => ({
      group: g.group,
      operation: g.operation,
      features: g.features.map((f) => f.feature),
      rules: g.rules,
      labelKeys: entities.find((e) => e.entity === g.group.entity)!.columns,
    })),
  );
  return { ...common, labels, statement, groups: groups.map((g) => ({ ...g, query: statement })) };
}

/**
 * The merge's scans: one unordered scan per group, whatever its reads. A group with both
 * plain features and aggregates is scanned once for both (the rows each read needs are
 * the same: every row of the group), its window read selecting its own features first,
 * then the latest read's.
 */
function mergeScans(compiler: QueryCompiler, reads: readonly Omit<GroupPlan, 'query'>[]): GroupPlan[] {
  const planned: GroupPlan[] = reads.map((g) => ({ ...g, query: scanQuery(compiler, g.group, g.features.map((f) => f.feature)) }));
  planned.forEach((w, wi) => {
    if (w.operation !== 'window') return;
    // Each distinct select-list item once (a count and a sum of one column read one).
    const columns: Feature[] = [];
    const seen = new Map<string, number>();
    const positions = w.features.map(({ feature: f }) => {
      const key = scannedValueKey(f);
      let at = seen.get(key);
      if (at === undefined) seen.set(key, (at = columns.push(f) - 1));
      return at;
    });
    const li = planned.findIndex((l) => l.group === w.group && l.operation === 'latest');
    const latest = li < 0 ? [] : planned[li]!.features.map((f) => f.feature);
    const query = scanQuery(compiler, w.group, [...columns, ...latest]);
    const width = columns.length + latest.length;
    planned[wi] = { ...w, query, scan: { width, positions }, ...(li < 0 ? {} : { alongside: li }) };
    if (li >= 0) planned[li] = { ...planned[li]!, query, scannedBy: wi, scan: { width, positions: latest.map((_, f) => columns.length + f) } };
  });
  return planned;
}

/** What `auto` decides on: gathered from the labels file and the catalog. */
export interface StrategyFacts {
  /** Label rows (at most an over-estimate: blank lines and multi-line fields count); undefined for a labels query, never run to count it. */
  readonly labelCount?: number;
  /** The engine joins unindexed tables by hash (EngineAdapter.hashJoins). */
  readonly hashJoins: boolean;
  /** EngineAdapter.databaseJoinMaxLabels. */
  readonly maxLabels: number;
  /** Per group: its table has an index led by the group's first key column (false for query sources). */
  readonly indexed: readonly boolean[];
}

/**
 * `auto`: the in-database join when labels are few (up to the engine's measured
 * `maxLabels`) and the database can find each label's rows without scanning the table per
 * label (a hash join, or an index on the key); otherwise the streaming merge, which is one
 * scan per group and never quadratic. Without a hash join or an index, SQLite and MariaDB
 * took over 120 s for 1,000 labels on 2 x 1M rows (merge 25-35 s under the same load).
 *
 * A labels query is never run to count it, so `auto` takes the merge for it: its cost is
 * bounded by the scans, where the one-statement database join took 1.7x the merge at 1M
 * labels (unindexed) and, on indexed tables where PostgreSQL loops over the index per
 * label, 206-291 s for 1,000-100,000 labels, where the merge of the same labels from a
 * file took 26-65 s (docs/benchmarks.md).
 */
export function chooseStrategy(choice: StrategyChoice, facts?: StrategyFacts): { strategy: Strategy; strategyReason: string } {
  if (choice === 'merge') return { strategy: 'merge', strategyReason: 'chosen with --strategy merge' };
  if (choice === 'database') return { strategy: 'database', strategyReason: 'chosen with --strategy database' };
  if (!facts) return { strategy: 'merge', strategyReason: 'auto: one scan per group merged in spellbook' };
  if (facts.labelCount === undefined) {
    return { strategy: 'merge', strategyReason: 'auto: labels from a query are not counted; one scan per group, whatever their number (--strategy database for a few labels)' };
  }
  const max = withThousands(facts.maxLabels);
  if (facts.labelCount > facts.maxLabels) {
    return { strategy: 'merge', strategyReason: `auto: more than ${max} labels, one scan per group beats per-label lookups` };
  }
  if (facts.hashJoins) return { strategy: 'database', strategyReason: `auto: ${withThousands(facts.labelCount)} labels (at most ${max}), hash-joined in the database` };
  if (facts.indexed.length > 0 && facts.indexed.every(Boolean)) {
    return { strategy: 'database', strategyReason: `auto: ${withThousands(facts.labelCount)} labels (at most ${max}), every group's table indexed on its key` };
  }
  return { strategy: 'merge', strategyReason: 'auto: a group has no index on its key, and this engine would scan it once per label' };
}

/** `txn.amount_sum_30d = sum(amount) over 30d`: the operation in words. */
function describeAggregate(f: Feature): string {
  const a = f.aggregate!;
  return `${f.fullName} = ${a.fn}(${a.countsRows ? '*' : f.column}) over ${formatDuration(a.windowMs)}`;
}

/** Plain data for --dry-run and --json: names and SQL, no objects. */
export function describePlan(plan: ExportPlan | JoinPlan): Record<string, unknown> {
  // A database join over a labels query is one statement, printed once for the plan.
  const oneStatement = plan.kind === 'join' && plan.statement !== undefined;
  const groups = plan.groups.map((g) => ({
    group: g.group.name,
    entity: g.group.entity.name,
    operation: g.operation === 'window' ? 'aggregates over windows' : 'latest value',
    features: g.features.map((f) => f.feature.fullName),
    ...(g.operation === 'window' ? { aggregates: g.features.map((f) => describeAggregate(f.feature)) } : {}),
    ttl: g.rules.ttlMs === undefined ? null : formatDuration(g.rules.ttlMs),
    ...(oneStatement
      ? {}
      : g.scannedBy !== undefined
        ? { scan: "shared: the group's aggregates read computes these features from its scan" }
        : { sql: g.query.sql, parameters: plan.kind === 'join' ? g.query.parameters.map(() => '<from labels>') : g.query.parameters }),
  }));
  if (plan.kind === 'export') {
    return {
      command: 'export',
      entity: plan.entity.name,
      snapshot: new Date(plan.snapshot).toISOString(),
      known_at: plan.knownAt,
      ...(plan.keys ? { keys: plan.keys } : {}),
      ...(plan.limit !== undefined ? { limit: plan.limit } : {}),
      columns: plan.columns,
      groups,
    };
  }
  return {
    command: 'join',
    ...(plan.labels.kind === 'query' ? { input_query: plan.labels.sql } : { input_file: plan.labels.file }),
    timestamp_column: plan.timestampColumn,
    ...(plan.timestampUnit ? { timestamp_unit: plan.timestampUnit } : {}),
    known_at: plan.knownAt,
    strategy: plan.strategy,
    strategy_reason: plan.strategyReason,
    entities: plan.entities.map((e) => ({ entity: e.entity.name, label_columns: e.columns })),
    columns: plan.columns,
    groups,
    ...(plan.statement ? { sql: plan.statement.sql } : plan.labels.kind === 'query' ? { labels_sql: plan.labels.statement.sql } : {}),
  };
}
