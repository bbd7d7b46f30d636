/**
 * The time semantics of SPEC §2 as pure functions over epoch milliseconds. Everything
 * else (SQL per engine, the streaming merge) must agree with these; the tests prove it.
 */
import type { Instant } from '../time/instant.js';

export interface TimeRules {
  /** Maximum age of a visible row, in ms; undefined = no limit. */
  readonly ttlMs?: number;
  /** --known-at: a row is only visible once its created_time has passed too. */
  readonly knownAt: boolean;
}

/**
 * A feature row's times. `event` is -Infinity for static groups (always visible, never
 * expiring); `created` is -Infinity when the group has no created_time or the value is
 * NULL — a NULL created time loses every tie and hides nothing under --known-at.
 */
export interface RowTimes {
  readonly event: number;
  readonly created: number;
}

export const NO_TIME = -Infinity;

/** The first instant at which the row can be seen. */
export function visibleFrom(row: RowTimes, rules: TimeRules): number {
  return rules.knownAt ? Math.max(row.event, row.created) : row.event;
}

/** Is the row visible at `t`? `e <= t`, and `e >= t - ttl`, and under --known-at `c <= t`. */
export function isVisible(row: RowTimes, t: Instant, rules: TimeRules): boolean {
  if (visibleFrom(row, rules) > t) return false;
  return rules.ttlMs === undefined || row.event >= t - rules.ttlMs;
}

/** Does `a` win over `b`? Greater event time, then greater created time; a full tie does not win. */
export function beats(a: RowTimes, b: RowTimes): boolean {
  return a.event > b.event || (a.event === b.event && a.created > b.created);
}
