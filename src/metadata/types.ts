/**
 * The typed model of a metadata file (SPEC §1). Nothing past the loader sees raw YAML:
 * defaults are applied, references are resolved to objects and durations to milliseconds.
 */

export type KeyType = 'string' | 'int';
export type FeatureType = 'string' | 'int' | 'float' | 'bool' | 'timestamp' | 'date';
export type EpochUnit = 's' | 'ms';

export interface Entity {
  readonly name: string;
  /** Key column names, in order; length >= 1. Label files name their key columns the same. */
  readonly keyColumns: readonly string[];
  /** One type per key column. */
  readonly keyTypes: readonly KeyType[];
  readonly description?: string;
}

/** Where a group's rows come from: a table, or one SELECT used as a derived table. */
export type Source =
  | { readonly kind: 'table'; readonly table: string }
  | { readonly kind: 'query'; readonly sql: string };

export interface EventTime {
  readonly column: string;
  /** Set when the column holds integer epochs rather than a timestamp or ISO text. */
  readonly unit?: EpochUnit;
}

/** SPEC §7: what a windowed feature computes over its window's rows. */
export type AggregateFunction = 'count' | 'sum' | 'avg' | 'min' | 'max';
export const AGGREGATE_FUNCTIONS: readonly AggregateFunction[] = ['count', 'sum', 'avg', 'min', 'max'];

/** The feature types each aggregate may declare (SPEC §7). */
export const AGGREGATE_TYPES: Readonly<Record<AggregateFunction, readonly FeatureType[]>> = {
  count: ['int'],
  sum: ['int', 'float'],
  avg: ['float'],
  min: ['int', 'float', 'timestamp', 'date', 'string'],
  max: ['int', 'float', 'timestamp', 'date', 'string'],
};

/**
 * A windowed aggregate (SPEC §7): `fn` over the key's rows with `t - window < e <= t`.
 * `countsRows`: a `count` written without `column`, which counts rows rather than the
 * non-NULL values of a column (the feature's `column` then names no real column).
 */
export interface Aggregate {
  readonly fn: AggregateFunction;
  readonly windowMs: number;
  readonly countsRows: boolean;
}

export interface Feature {
  readonly name: string;
  /** `group.feature` */
  readonly fullName: string;
  readonly groupName: string;
  readonly type: FeatureType;
  readonly column: string;
  /** Absent: the latest visible row's value (SPEC §2). */
  readonly aggregate?: Aggregate;
  readonly description?: string;
}

/**
 * The source column a feature reads and the type its values must have there: the
 * feature's own type, except that an `avg` reads any number (float), a `count` of a
 * column reads values of any type (`type` undefined), and a count of rows reads no
 * column at all (undefined).
 */
export function storedColumn(f: Feature): { column: string; type: FeatureType | undefined } | undefined {
  const fn = f.aggregate?.fn;
  if (fn === undefined) return { column: f.column, type: f.type };
  if (fn === 'count') return f.aggregate!.countsRows ? undefined : { column: f.column, type: undefined };
  return { column: f.column, type: fn === 'avg' ? 'float' : f.type };
}

export interface Group {
  readonly name: string;
  readonly entity: Entity;
  readonly source: Source;
  /** The group's columns holding the entity key, position by position with entity.keyColumns. */
  readonly entityColumns: readonly string[];
  /** Absent: a static group, one row per key, always visible. */
  readonly eventTime?: EventTime;
  readonly createdTime?: string;
  /** Maximum age in milliseconds. */
  readonly ttlMs?: number;
  readonly description?: string;
  readonly features: readonly Feature[];
}

/**
 * `connection:` as the metadata file wrote it, `${NAME}`s filled in: a URL string, or a
 * mapping whose `client` names an engine and whose other keys are that engine's own.
 * Engine-neutral: what a scheme or client means is the engines' business
 * (src/db/connection.ts resolves it).
 */
export interface ConnectionSource {
  /** The URL, or the mapping without `read_only`. */
  readonly written: string | Readonly<Record<string, unknown>>;
  /** `read_only: true`: `import` must refuse to write here. */
  readonly readOnly: boolean;
  /** The metadata file's folder, which relative file paths mean. */
  readonly dir: string;
  /** Where `connection:`'s value is, for a message about it (the file as the user named it). */
  readonly at: { readonly file: string; readonly line: number; readonly col: number };
}

export interface Metadata {
  /** Absolute path of the metadata file. */
  readonly file: string;
  /** Folder relative paths resolve against. */
  readonly dir: string;
  readonly version: 1;
  readonly connection?: ConnectionSource;
  readonly entities: readonly Entity[];
  readonly groups: readonly Group[];
}

/** Every feature of the metadata, in file order. */
export function allFeatures(md: Metadata): Feature[] {
  return md.groups.flatMap((g) => g.features);
}
