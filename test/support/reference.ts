/**
 * A brute-force reference of SPEC §2, written from the spec's words over plain arrays:
 * no SQL, no sorting tricks. Slow on purpose: every label looks at every row.
 */
export interface RefRow {
  /** The entity key, one value per key column (numbers for int keys, strings otherwise). */
  key: readonly (string | number)[];
  /** Event time in epoch ms; undefined for a static group's row; null = NULL (never visible). */
  event?: number | null;
  /** created_time in epoch ms; null/undefined = NULL or no created_time column. */
  created?: number | null;
  values: readonly unknown[];
}

export interface RefRules {
  ttlMs?: number;
  knownAt?: boolean;
  /** A group without event_time: every row always visible. */
  static?: boolean;
}

const sameKey = (a: readonly unknown[], b: readonly unknown[]) => a.length === b.length && a.every((v, i) => v === b[i]);

/** "A feature row with event time e is visible at time t when e <= t, and, if the group has a ttl, also e >= t - ttl"; --known-at also hides created_time after t. */
export function refVisible(row: RefRow, t: number, rules: RefRules): boolean {
  if (rules.static) return true;
  if (row.event === null || row.event === undefined) return false;
  if (row.event > t) return false;
  if (rules.ttlMs !== undefined && row.event < t - rules.ttlMs) return false;
  if (rules.knownAt && row.created !== null && row.created !== undefined && row.created > t) return false;
  return true;
}

/**
 * Every row that may win for (key, t): "the one with the greatest event time wins; on equal
 * event times the greatest created_time wins; beyond that the choice is arbitrary".
 * Empty when no row is visible. A NULL created_time counts as less than any value.
 */
export function refWinners(rows: readonly RefRow[], key: readonly unknown[], t: number, rules: RefRules): RefRow[] {
  const visible = rows.filter((r) => sameKey(r.key, key) && refVisible(r, t, rules));
  if (visible.length === 0) return [];
  if (rules.static) return visible;
  const maxEvent = Math.max(...visible.map((r) => r.event as number));
  const atMax = visible.filter((r) => r.event === maxEvent);
  const c = (r: RefRow) => (r.created === null || r.created === undefined ? -Infinity : r.created);
  const maxCreated = Math.max(...atMax.map(c));
  return atMax.filter((r) => c(r) === maxCreated);
}

/**
 * SPEC's key order, written here independently of src/: int values numerically, string
 * values by Unicode code point (what binary collations give for UTF-8), which is not
 * JavaScript's default UTF-16 order for characters beyond U+FFFF.
 */
export function refCompareKeyValues(a: string | number, b: string | number): number {
  if (typeof a === 'number' && typeof b === 'number') return a < b ? -1 : a > b ? 1 : 0;
  const ca = Array.from(String(a), (ch) => ch.codePointAt(0)!);
  const cb = Array.from(String(b), (ch) => ch.codePointAt(0)!);
  for (let i = 0; i < Math.min(ca.length, cb.length); i++) if (ca[i] !== cb[i]) return ca[i]! - cb[i]!;
  return ca.length - cb.length;
}

/** Key tuples column by column, so (1, '12') and (11, '2') never meet. */
export function refCompareKeys(a: readonly (string | number)[], b: readonly (string | number)[]): number {
  for (let i = 0; i < a.length; i++) {
    const c = refCompareKeyValues(a[i]!, b[i]!);
    if (c !== 0) return c;
  }
  return 0;
}

/** SPEC §7 aggregate of one feature: `fn` over `values[column]` of the window's rows; column undefined = count rows. */
export interface RefAggregate {
  fn: 'count' | 'sum' | 'avg' | 'min' | 'max';
  windowMs: number;
  column?: number;
}

/**
 * "The window at time t holds the key's rows with t - window < e <= t; with --known-at
 * also created_time <= t. Rows with a NULL event time never count."
 */
export function refInWindow(row: RefRow, t: number, windowMs: number, knownAt: boolean): boolean {
  if (row.event === null || row.event === undefined) return false;
  if (!(t - windowMs < row.event && row.event <= t)) return false;
  if (knownAt && row.created !== null && row.created !== undefined && row.created > t) return false;
  return true;
}

/**
 * "count without column counts rows; with column, non-NULL values. sum, avg, min, max
 * ignore NULLs. An empty window gives count 0 and NULL for the others." Strings compare
 * by code point (refCompareKeyValues).
 */
export function refAggregate(rows: readonly RefRow[], key: readonly unknown[], t: number, agg: RefAggregate, knownAt: boolean): unknown {
  const inWindow = rows.filter((r) => sameKey(r.key, key) && refInWindow(r, t, agg.windowMs, knownAt));
  if (agg.column === undefined) return inWindow.length; // count of rows
  const values = inWindow.map((r) => r.values[agg.column!]).filter((v) => v !== null && v !== undefined) as (number | string)[];
  if (agg.fn === 'count') return values.length;
  if (values.length === 0) return null;
  let sum = 0;
  switch (agg.fn) {
    case 'sum':
      for (const v of values) sum += v as number;
      return sum;
    case 'avg':
      for (const v of values) sum += v as number;
      return sum / values.length;
    case 'min':
      return values.reduce((a, b) => (refCompareKeyValues(b, a) < 0 ? b : a));
    case 'max':
      return values.reduce((a, b) => (refCompareKeyValues(b, a) > 0 ? b : a));
  }
}

/** Does any row of the key fall in the window (what makes export list a key for an aggregate)? */
export function refHasWindowRow(rows: readonly RefRow[], key: readonly unknown[], t: number, windowMs: number, knownAt: boolean): boolean {
  return rows.some((r) => sameKey(r.key, key) && refInWindow(r, t, windowMs, knownAt));
}
