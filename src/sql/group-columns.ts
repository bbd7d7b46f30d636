/**
 * The SELECT list every point-in-time query shares: a group's key columns, its times as
 * epoch ms, and the requested feature columns, under fixed aliases the row decoder knows.
 */
import type { SqlDialect } from '../db/dialect.js';
import type { Feature, Group } from '../metadata/types.js';

export const KEY_ALIAS = (i: number) => `__k${i}`;
export const FEATURE_ALIAS = (i: number) => `__f${i}`;
export const EVENT_ALIAS = '__e';
export const CREATED_ALIAS = '__c';

/** Column references of one group inside a query where its source is aliased `table`. */
export class GroupColumns {
  constructor(
    private readonly dialect: SqlDialect,
    readonly group: Group,
    readonly features: readonly Feature[],
    private readonly table: string,
  ) {}

  private ref(column: string): string {
    return `${this.dialect.quoteIdentifier(this.table)}.${this.dialect.quoteIdentifier(column)}`;
  }

  keys(): string[] {
    return this.group.entityColumns.map((c) => this.ref(c));
  }

  /** Key expressions that compare exactly (byte for byte on strings), whatever the collation. */
  exactKeys(): string[] {
    return this.group.entityColumns.map((c, i) => this.dialect.exactKey(this.ref(c), this.group.entity.keyTypes[i]!));
  }

  /** The event time in epoch ms, or undefined for a static group. */
  event(): string | undefined {
    const e = this.group.eventTime;
    return e && this.dialect.epochMs(this.ref(e.column), e.unit);
  }

  created(): string | undefined {
    const c = this.group.createdTime;
    return c === undefined ? undefined : this.dialect.epochMs(this.ref(c), this.group.eventTime?.unit);
  }

  /** Timestamp features come back as epoch ms, so no driver or TZ interprets them. */
  feature(f: Feature): string {
    return f.type === 'timestamp' ? this.dialect.epochMs(this.ref(f.column)) : this.ref(f.column);
  }

  /** `k AS __k0, …, e AS __e, c AS __c, f AS __f0, …` */
  selectList(): string {
    const q = (a: string) => this.dialect.quoteIdentifier(a);
    const items = this.keys().map((k, i) => `${k} AS ${q(KEY_ALIAS(i))}`);
    const e = this.event();
    if (e) items.push(`${e} AS ${q(EVENT_ALIAS)}`);
    const c = this.created();
    if (c) items.push(`${c} AS ${q(CREATED_ALIAS)}`);
    this.features.forEach((f, i) => items.push(`${this.feature(f)} AS ${q(FEATURE_ALIAS(i))}`));
    return items.join(', ');
  }

  /** Newest first: event time, then created time with NULL last; beyond that the engine picks. */
  priorityOrder(): string {
    const e = this.event();
    if (!e) return '';
    const c = this.created();
    return c ? `${e} DESC, CASE WHEN ${c} IS NULL THEN 1 ELSE 0 END, ${c} DESC` : `${e} DESC`;
  }

  /**
   * SPEC §2 visibility at the instant expression `at` (a placeholder or a column);
   * `notBefore` is `at - ttl`, passed in so that PostgreSQL never has to infer the type
   * of an arithmetic on an untyped parameter.
   */
  visibleAt(at: string, notBefore: string | undefined, knownAt: boolean): string[] {
    const e = this.event();
    if (!e) return [];
    const conditions = [`${e} <= ${at}`];
    if (notBefore !== undefined) conditions.push(`${e} >= ${notBefore}`);
    const c = this.created();
    if (knownAt && c) conditions.push(`(${c} IS NULL OR ${c} <= ${at})`);
    return conditions;
  }
}
