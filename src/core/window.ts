/**
 * The window rule of SPEC §7 as pure functions over epoch milliseconds: the window at t
 * holds the rows with t - window < e <= t (and, under --known-at, created <= t). A row
 * therefore counts for the instants t in [countsFrom, countsUntil): from when it is
 * visible (visibility.ts) until its event time is a whole window old.
 */
import { visibleFrom, type TimeRules } from './visibility.js';

/** Does the window of `windowMs` ending at `t` hold a row with these times? NaN (a NULL event time) never counts. */
export function inWindow(event: number, created: number, t: number, windowMs: number, knownAt: boolean): boolean {
  return event <= t && event > t - windowMs && (!knownAt || created <= t);
}

/** The first instant whose window holds the row. */
export function countsFrom(event: number, created: number, rules: TimeRules): number {
  return visibleFrom(event, created, rules);
}

/** The first instant whose window no longer holds the row: `e > t - w` is `t < e + w`. */
export function countsUntil(event: number, windowMs: number): number {
  return event + windowMs;
}
