/**
 * Reads a driver row of a point-in-time query (fixed aliases): its key, its times in
 * epoch ms and its feature values. Built for the scan's hot loop: nothing is allocated
 * per row for single-column keys.
 */
import type { Row } from '../db/dialect.js';
import type { Group, KeyType } from '../metadata/types.js';
import { CREATED_ALIAS, EVENT_ALIAS, FEATURE_ALIAS, KEY_ALIAS, selectPositions, type SelectPositions } from '../sql/group-columns.js';
import type { KeyDictionary } from '../core/key-dictionary.js';
import { normaliseKeyValue, type KeyTuple, type KeyValue } from '../core/keys.js';
import { NO_TIME } from '../core/visibility.js';

export class RowDecoder {
  private readonly keyAliases: string[];
  readonly featureAliases: readonly string[];

  constructor(
    private readonly group: Group,
    featureCount: number,
  ) {
    this.keyAliases = group.entityColumns.map((_, i) => KEY_ALIAS(i));
    this.featureAliases = Array.from({ length: featureCount }, (_, i) => FEATURE_ALIAS(i));
  }

  /** The key tuple, or undefined when a key column is NULL or does not fit its type. */
  key(row: Row): KeyTuple | undefined {
    const types = this.group.entity.keyTypes;
    const key: KeyValue[] = [];
    for (let i = 0; i < this.keyAliases.length; i++) {
      const v = normaliseKeyValue(row[this.keyAliases[i]!], types[i]!);
      if (v === undefined) return undefined;
      key.push(v);
    }
    return key;
  }

  /** The key's number in the labels' dictionary; -1 when no label has it (or it is NULL). */
  keyNumber(row: Row, dictionary: KeyDictionary): number {
    if (this.keyAliases.length === 1) {
      const v = normaliseKeyValue(row[this.keyAliases[0]!], this.group.entity.keyTypes[0]!);
      return v === undefined ? -1 : dictionary.lookupValue(v);
    }
    const key = this.key(row);
    return key === undefined ? -1 : dictionary.lookup(key);
  }

  /** Event time in epoch ms; NO_TIME for a static group; NaN when NULL (never visible). */
  event(row: Row): number {
    if (!this.group.eventTime) return NO_TIME;
    const e = row[EVENT_ALIAS];
    return e === null || e === undefined ? NaN : Number(e);
  }

  /** Created time in epoch ms; NO_TIME when there is none or it is NULL. */
  created(row: Row): number {
    const c = row[CREATED_ALIAS];
    return c === null || c === undefined ? NO_TIME : Number(c);
  }

  values(row: Row): unknown[] {
    return this.featureAliases.map((a) => row[a]);
  }
}

/**
 * The same reading for rows that arrive as arrays in SELECT-list order (Driver.arrayBatches):
 * positions instead of aliases, so the scan's hot loop does no property lookups.
 */
export class ArrayRowDecoder {
  private readonly keyType: KeyType;
  private readonly positions: SelectPositions;
  readonly featurePositions: readonly number[];

  constructor(
    private readonly group: Group,
    featureCount: number,
  ) {
    this.positions = selectPositions(group, featureCount);
    this.featurePositions = this.positions.features;
    this.keyType = group.entity.keyTypes[0]!;
  }

  /** The key's number in the labels' dictionary; -1 when no label has it (or it is NULL). */
  keyNumber(row: readonly unknown[], dictionary: KeyDictionary): number {
    const { keys } = this.positions;
    if (keys.length === 1) {
      const v = normaliseKeyValue(row[0], this.keyType);
      return v === undefined ? -1 : dictionary.lookupValue(v);
    }
    const key: KeyValue[] = [];
    const types = this.group.entity.keyTypes;
    for (let i = 0; i < keys.length; i++) {
      const v = normaliseKeyValue(row[keys[i]!], types[i]!);
      if (v === undefined) return -1;
      key.push(v);
    }
    return dictionary.lookup(key);
  }

  /** Event time in epoch ms; NO_TIME for a static group; NaN when NULL (never visible). */
  event(row: readonly unknown[]): number {
    const at = this.positions.event;
    if (at === undefined) return NO_TIME;
    const e = row[at];
    return e === null || e === undefined ? NaN : Number(e);
  }

  /** Whether rows carry a created time (else created() is always NO_TIME). */
  get hasCreated(): boolean {
    return this.positions.created !== undefined;
  }

  /** Created time in epoch ms; NO_TIME when there is none or it is NULL. */
  created(row: readonly unknown[]): number {
    const at = this.positions.created;
    if (at === undefined) return NO_TIME;
    const c = row[at];
    return c === null || c === undefined ? NO_TIME : Number(c);
  }
}
