/** Turns a driver row of a point-in-time query (fixed aliases) into key, times and raw values. */
import type { Row } from '../db/dialect.js';
import type { Group } from '../metadata/types.js';
import { CREATED_ALIAS, EVENT_ALIAS, FEATURE_ALIAS, KEY_ALIAS } from '../sql/group-columns.js';
import { normaliseKeyValue, type KeyTuple, type KeyValue } from './keys.js';
import { NO_TIME, type RowTimes } from './visibility.js';

export class RowDecoder {
  private readonly keyAliases: string[];
  private readonly featureAliases: string[];

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

  /** Times in epoch ms; undefined when a dynamic group's event time is NULL (never visible). */
  times(row: Row): RowTimes | undefined {
    if (!this.group.eventTime) return { event: NO_TIME, created: NO_TIME };
    const e = row[EVENT_ALIAS];
    if (e === null || e === undefined) return undefined;
    const c = row[CREATED_ALIAS];
    return { event: Number(e), created: c === null || c === undefined ? NO_TIME : Number(c) };
  }

  values(row: Row): unknown[] {
    return this.featureAliases.map((a) => row[a]);
  }
}
