/**
 * The typed model of a metadata file (SPEC §1). Nothing past the loader sees raw YAML:
 * defaults are applied, references are resolved to objects and durations to milliseconds.
 */
import type { Knex } from 'knex';

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

export interface Feature {
  readonly name: string;
  /** `group.feature` */
  readonly fullName: string;
  readonly groupName: string;
  readonly type: FeatureType;
  readonly column: string;
  readonly description?: string;
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

/** A Knex config after `${ENV}` interpolation, or a URL. `read_only` is spellbook's own key. */
export interface ConnectionSpec {
  readonly config: Knex.Config;
  /** `connection.read_only: true`: `import` must refuse to write here. */
  readonly readOnly: boolean;
  /** Secret strings (passwords, URL credentials) to redact from every message. */
  readonly secrets: readonly string[];
}

export interface Metadata {
  /** Absolute path of the metadata file. */
  readonly file: string;
  /** Folder relative paths resolve against. */
  readonly dir: string;
  readonly version: 1;
  readonly connection?: ConnectionSpec;
  readonly entities: readonly Entity[];
  readonly groups: readonly Group[];
}

/** Every feature of the metadata, in file order. */
export function allFeatures(md: Metadata): Feature[] {
  return md.groups.flatMap((g) => g.features);
}
