/**
 * Instants are epoch milliseconds (UTC) everywhere past the edges, so comparisons are
 * plain number comparisons and never depend on the process's TZ or on text forms.
 */
export type Instant = number;

const ISO =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?(?:\s*(Z|[+-]\d{2}(?::?\d{2})?))?)?$/i;

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/**
 * Parses an ISO 8601 date (`2024-03-01`, midnight UTC) or date-time with an optional
 * offset (`2024-03-01T12:00:00+02:00`, `2024-03-01 12:00:00`, naive = UTC).
 * Returns undefined for anything else, including impossible dates such as 2024-02-30.
 */
export function parseInstant(text: string): Instant | undefined {
  const m = ISO.exec(text.trim());
  if (!m) return undefined;
  const [, y, mo, d, h = '0', mi = '0', s = '0', frac = '', zone] = m;
  const year = Number(y), month = Number(mo), day = Number(d);
  const hour = Number(h), minute = Number(mi), second = Number(s);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  if (hour > 23 || minute > 59 || second > 59) return undefined;
  const ms = frac === '' ? 0 : Math.floor(Number(`0.${frac}`) * 1000 + 1e-9);
  let offsetMin = 0;
  if (zone !== undefined && zone.toUpperCase() !== 'Z') {
    const sign = zone.startsWith('-') ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    const oh = Number(digits.slice(0, 2));
    const om = digits.length > 2 ? Number(digits.slice(2)) : 0;
    if (oh > 23 || om > 59) return undefined;
    offsetMin = sign * (oh * 60 + om);
  }
  const utc = Date.UTC(year, month - 1, day, hour, minute, second, ms);
  // Date.UTC maps years 0-99 to 1900-1999; setUTCFullYear keeps the year as written.
  const date = new Date(utc);
  date.setUTCFullYear(year);
  return date.getTime() - offsetMin * 60_000;
}

export type EpochUnit = 's' | 'ms';

/** Parses an integer epoch in seconds or milliseconds (`--timestamp-unit`). */
export function parseEpoch(text: string, unit: EpochUnit): Instant | undefined {
  const t = text.trim();
  if (!/^-?\d{1,16}$/.test(t)) return undefined;
  const n = Number(t);
  return unit === 's' ? n * 1000 : n;
}

/** `2024-03-01T12:00:00.000Z` — the one output form for timestamps (SPEC §4). */
export function formatInstant(t: Instant): string {
  return new Date(t).toISOString();
}

/** `YYYY-MM-DD` of an instant in UTC. */
export function formatDate(t: Instant): string {
  return formatInstant(t).slice(0, 10);
}
