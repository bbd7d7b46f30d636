/**
 * The SELECT list every point-in-time query starts from: a group's key columns, its times
 * as epoch ms, and the requested feature columns, under fixed aliases. Outer queries
 * filter, rank and join on those aliases only, so each time expression is written once.
 */
import type { QueryCompiler, ScanItem, TimeComparison } from '../db/dialect.js';
import { storedColumn, type EpochUnit, type Feature, type Group, type KeyType } from '../metadata/types.js';

export const KEY_ALIAS = (i: number) => `__k${i}`;
export const FEATURE_ALIAS = (i: number) => `__f${i}`;
export const EVENT_ALIAS = '__e';
export const CREATED_ALIAS = '__c';

/** How a select-list item reads its stored column: as is, as epoch ms, or as an exact int. */
type ValueRead = 'raw' | 'ms' | 'int';

/**
 * What a feature's select-list item reads: the stored column, a timestamp as its epoch
 * milliseconds (so no driver or TZ interprets it), an int feature's value exactly
 * (QueryCompiler.exactInt); undefined for a count of rows, which reads no column (a
 * constant that is never NULL stands in for it). An aggregate's int column is read as
 * is: the merge adds and compares numbers, exact up to 2^53 (README).
 */
function scannedValue(f: Feature): { column: string; read: ValueRead } | undefined {
  const stored = storedColumn(f);
  if (stored === undefined) return undefined;
  const read = f.type === 'timestamp' ? 'ms' : f.type === 'int' && f.aggregate === undefined ? 'int' : 'raw';
  return { column: stored.column, read };
}

/** Whether a feature's select-list item reads an int exactly (QueryCompiler.exactInt). */
export function readsExactInt(f: Feature): boolean {
  return scannedValue(f)?.read === 'int';
}

/** `sql` as the engine reads an int without rounding: QueryCompiler.exactInt, or as is. */
export function exactInt(compiler: QueryCompiler, sql: string): string {
  return compiler.exactInt ? compiler.exactInt(sql) : sql;
}

/**
 * Which select-list item a feature reads, as a key: features with the same key are
 * selected by the same expression, so one scan reads the value once for all of them.
 */
export function scannedValueKey(f: Feature): string {
  const value = scannedValue(f);
  return value === undefined ? '*' : `${value.column}/${value.read}`;
}

/** Where each part of a `selectList()` row sits, for drivers that return rows as arrays. */
export interface SelectPositions {
  readonly keys: readonly number[];
  /** Absent for a static group. */
  readonly event?: number;
  /** Absent when the group has no created time (or no event time). */
  readonly created?: number;
  readonly features: readonly number[];
}

/** The positions of `selectList()` with times: keys, event, created, features, in that order. */
export function selectPositions(group: Group, featureCount: number): SelectPositions {
  let at = 0;
  const keys = group.entityColumns.map(() => at++);
  const event = group.eventTime ? at++ : undefined;
  const created = group.eventTime && group.createdTime !== undefined ? at++ : undefined;
  const features = Array.from({ length: featureCount }, () => at++);
  return { keys, event, created, features };
}

/** Column references of one group inside a query where its source is aliased `table`. */
export class GroupColumns {
  constructor(
    private readonly compiler: QueryCompiler,
    readonly group: Group,
    readonly features: readonly Feature[],
    private readonly table: string,
  ) {}

  private ref(column: string): string {
    return `${this.compiler.quoteIdentifier(this.table)}.${this.compiler.quoteIdentifier(column)}`;
  }

  /** The source's own key columns (what an index on the table would cover). */
  sourceKeys(): string[] {
    return this.group.entityColumns.map((c) => this.ref(c));
  }

  /** The source's key columns as they compare exactly (byte for byte on strings), whatever the collation. */
  exactKeys(): string[] {
    return this.sourceKeys().map((k, i) => this.compiler.exactKey(k, this.group.entity.keyTypes[i]!));
  }

  /**
   * `k AS __k0, …, e AS __e, c AS __c, f AS __f0, …`; timestamp features as epoch ms, so no
   * driver or TZ interprets them, int features exactly. `times: false` leaves out __e and
   * __c; `exactInts: false` reads ints as stored, for a caller that applies exactInt itself.
   */
  selectList(options: { times?: boolean; exactInts?: boolean } = {}): string {
    return this.select(options).sql;
  }

  /**
   * selectList for a merge's scan: stored times in the compiler's cheaper scan form where
   * it has one (QueryCompiler.scanTime), and the positions of those columns, which
   * the driver reads back as epoch ms.
   */
  scanList(): { sql: string; scanTimesAt: number[]; reads: ScanItem[] | undefined } {
    return this.select({}, this.compiler.scanTime);
  }

  private select(
    options: { times?: boolean; exactInts?: boolean },
    scanTime?: (col: string) => string,
  ): { sql: string; scanTimesAt: number[]; reads: ScanItem[] | undefined } {
    const q = (a: string) => this.compiler.quoteIdentifier(a);
    const items = this.sourceKeys().map((k, i) => `${k} AS ${q(KEY_ALIAS(i))}`);
    // What each item reads, while every one is a column or a constant (ScanItem).
    let reads: ScanItem[] | undefined = this.group.entityColumns.map((column) => ({ column, read: 'raw' }));
    const scanTimesAt: number[] = [];
    // Called just before its item is pushed: items.length is that item's position.
    const time = (col: string, column: string, unit?: EpochUnit): string => {
      if (scanTime === undefined || unit !== undefined) {
        reads = undefined;
        return this.compiler.epochMs(col, unit);
      }
      scanTimesAt.push(items.length);
      reads?.push({ column, read: 'time' });
      return scanTime(col);
    };
    const e = options.times === false ? undefined : this.group.eventTime;
    if (e) items.push(`${time(this.ref(e.column), e.column, e.unit)} AS ${q(EVENT_ALIAS)}`);
    if (e && this.group.createdTime !== undefined) items.push(`${time(this.ref(this.group.createdTime), this.group.createdTime, e?.unit)} AS ${q(CREATED_ALIAS)}`);
    this.features.forEach((f, i) => {
      const value = scannedValue(f);
      const col = value ? this.ref(value.column) : '1';
      let read: string;
      if (value?.read === 'ms') read = time(col, value.column);
      else {
        const exact = value?.read === 'int' && options.exactInts !== false;
        read = exact ? exactInt(this.compiler, col) : col;
        reads?.push(value ? { column: value.column, read: exact ? 'int' : 'raw' } : { constant: 1 });
      }
      items.push(`${read} AS ${q(FEATURE_ALIAS(i))}`);
    });
    return { sql: items.join(', '), scanTimesAt, reads };
  }

  /** The event and created times as the compiler compares them natively (see QueryCompiler.timeComparison). */
  eventComparison(): TimeComparison | undefined {
    const e = this.group.eventTime;
    return e && this.compiler.timeComparison(this.ref(e.column), e.unit);
  }

  createdComparison(): TimeComparison | undefined {
    const c = this.group.createdTime;
    return c === undefined ? undefined : this.compiler.timeComparison(this.ref(c), this.group.eventTime?.unit);
  }
}

/** References to the aliased columns of a GroupColumns select, seen through the derived table `alias`. */
export class AliasedColumns {
  constructor(
    private readonly compiler: QueryCompiler,
    readonly group: Group,
    private readonly alias: string,
  ) {}

  col(name: string): string {
    return `${this.compiler.quoteIdentifier(this.alias)}.${this.compiler.quoteIdentifier(name)}`;
  }

  keys(): string[] {
    return this.group.entityColumns.map((_, i) => this.col(KEY_ALIAS(i)));
  }


  /** Newest first: event time, then created time with NULL last; beyond that the engine picks. */
  priorityOrder(): string {
    if (!this.group.eventTime) return '';
    const e = this.col(EVENT_ALIAS);
    if (this.group.createdTime === undefined) return `${e} DESC`;
    const c = this.col(CREATED_ALIAS);
    return `${e} DESC, CASE WHEN ${c} IS NULL THEN 1 ELSE 0 END, ${c} DESC`;
  }

  /**
   * priorityOrder as terms to maximise left to right, none of them NULL among visible rows
   * (`visibleAt` keeps only rows with an event time): event time, whether there is a
   * created time, the created time. Empty for a static group: any row wins.
   */
  priorityTerms(): string[] {
    if (!this.group.eventTime) return [];
    const e = this.col(EVENT_ALIAS);
    if (this.group.createdTime === undefined) return [e];
    const c = this.col(CREATED_ALIAS);
    return [e, `CASE WHEN ${c} IS NULL THEN 0 ELSE 1 END`, `coalesce(${c}, 0)`];
  }

  /**
   * SPEC §2 visibility at an instant. `at()` yields the instant's SQL (a parameter
   * fragment, or a column); `notBefore()` is `at - ttl`, computed by the caller so
   * PostgreSQL never has to infer the type of arithmetic on an untyped parameter. A
   * parameter carries its value in the fragment (builder.ts), so the order of the calls
   * cannot misbind anything.
   */
  visibleAt(at: () => string, notBefore: (() => string) | undefined, knownAt: boolean): string[] {
    if (!this.group.eventTime) return [];
    const e = this.col(EVENT_ALIAS);
    const conditions = [`${e} <= ${at()}`];
    if (notBefore !== undefined) conditions.push(`${e} >= ${notBefore()}`);
    if (knownAt && this.group.createdTime !== undefined) {
      const c = this.col(CREATED_ALIAS);
      conditions.push(`(${c} IS NULL OR ${c} <= ${at()})`);
    }
    return conditions;
  }
}

/**
 * `a = b` for a key column: the native comparison, which an index on the key can serve,
 * plus, where the compiler's exact form differs, the byte-for-byte one that rules out
 * collation matches such as 'abc' = 'ABC' on MariaDB. `b()` gives the other side: a
 * column, or a parameter fragment that binds its value wherever it is used.
 */
export function keyEquality(compiler: QueryCompiler, a: string, b: () => string, type: KeyType): string[] {
  const native = `${a} = ${b()}`;
  const exact = compiler.exactKey(a, type);
  return exact === a ? [native] : [native, `${exact} = ${compiler.exactKey(b(), type)}`];
}
