/** Durations for `ttl` (SPEC §1): a whole number and one unit of s, m, h, d, w. */
const UNIT_MS = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 } as const;

const DURATION = /^(\d+)(s|m|h|d|w)$/;

/** Milliseconds, or undefined when the text is not a duration like `30d`. */
export function parseDuration(text: string): number | undefined {
  const m = DURATION.exec(text.trim());
  if (!m) return undefined;
  return Number(m[1]) * UNIT_MS[m[2] as keyof typeof UNIT_MS];
}

export const DURATION_HINT = 'a duration like 30d (units s, m, h, d, w)';

/** The largest whole unit that states `ms` exactly: 2592000000 → `30d`. */
export function formatDuration(ms: number): string {
  const units = Object.entries(UNIT_MS).sort((a, b) => b[1] - a[1]);
  for (const [unit, size] of units) if (ms % size === 0 && ms >= size) return `${ms / size}${unit}`;
  return `${ms / 1000}s`;
}
