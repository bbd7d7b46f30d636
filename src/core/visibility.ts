/**
 * The time semantics of SPEC §2 as pure functions over epoch milliseconds. Everything
 * else (SQL per engine, the streaming merge) must agree with these; the tests prove it
 * against an independent brute-force reference. They take plain numbers, not objects,
 * because the merge calls them once per scanned row.
 */
export interface TimeRules {
  /** Maximum age of a visible row, in ms; undefined = no limit. */
  readonly ttlMs?: number;
  /** --known-at: a row is only visible once its created_time has passed too. */
  readonly knownAt: boolean;
}

/**
 * A row's event time is NO_TIME for static groups (always visible, never expiring); its
 * created time is NO_TIME when the group has no created_time or the value is NULL — a NULL
 * created time loses every tie and hides nothing under --known-at.
 */
export const NO_TIME = -Infinity;

/** The first instant at which a row can be seen: `e <= t`, and under --known-at `c <= t`. */
export function visibleFrom(event: number, created: number, rules: TimeRules): number {
  return rules.knownAt ? Math.max(event, created) : event;
}

/** Does row a win over row b? Greater event time, then greater created time; a full tie does not win. */
export function beats(eventA: number, createdA: number, eventB: number, createdB: number): boolean {
  return eventA > eventB || (eventA === eventB && createdA > createdB);
}
