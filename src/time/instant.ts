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
 * Fractions finer than a millisecond are truncated.
 */
export function parseInstant(text: string): Instant | undefined {
  // A labels file has one of a few fixed shapes on every row: read those by character
  // codes (several times faster than the regex, which stays the reference for the rest).
  const fast = parseFixedShape(text);
  return fast === NOT_FIXED ? parseInstantGeneral(text) : fast;
}

const NOT_FIXED = -0.5; // never an instant: instants are whole milliseconds

const DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function digits(text: string, at: number, n: number): number {
  let v = 0;
  for (let i = at; i < at + n; i++) {
    const c = text.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return -1;
    v = v * 10 + c;
  }
  return v;
}

/**
 * `YYYY-MM-DD`, optionally `[T ]HH:MM:SS`, optionally `.f…` and `Z`: the instant, undefined
 * for an impossible value of that shape, NOT_FIXED for any other shape.
 */
function parseFixedShape(text: string): number | undefined {
  return parseFixedShapeAt(text, 0, text.length);
}

/**
 * parseFixedShape of `text.slice(from, to)`, read in place (a labels file's line is read
 * so without a string per field): the instant, or NaN for anything else, which
 * parseInstant then reads or refuses.
 */
export function parseFixedTimeAt(text: string, from: number, to: number): number {
  const t = parseFixedShapeAt(text, from, to);
  return t === undefined || t === NOT_FIXED ? NaN : t;
}

function parseFixedShapeAt(text: string, from: number, to: number): number | undefined {
  const n = to - from;
  if (n < 10 || text.charCodeAt(from + 4) !== 45 || text.charCodeAt(from + 7) !== 45) return NOT_FIXED;
  const year = digits(text, from, 4), month = digits(text, from + 5, 2), day = digits(text, from + 8, 2);
  if (year < 100 || month < 0 || day < 0) return NOT_FIXED;
  let hour = 0, minute = 0, second = 0, ms = 0;
  if (n > 10) {
    const sep = text.charCodeAt(from + 10);
    if ((sep !== 84 && sep !== 32) || n < 19 || text.charCodeAt(from + 13) !== 58 || text.charCodeAt(from + 16) !== 58) return NOT_FIXED;
    hour = digits(text, from + 11, 2);
    minute = digits(text, from + 14, 2);
    second = digits(text, from + 17, 2);
    if (hour < 0 || minute < 0 || second < 0) return NOT_FIXED;
    let i = from + 19;
    if (i < to && text.charCodeAt(i) === 46) {
      i++;
      const start = i;
      while (i < to && i - start < 9 && text.charCodeAt(i) >= 48 && text.charCodeAt(i) <= 57) i++;
      if (i === start) return NOT_FIXED;
      for (let k = 0; k < 3; k++) ms = ms * 10 + (start + k < i ? text.charCodeAt(start + k) - 48 : 0);
    }
    if (i < to && text.charCodeAt(i) === 90 && i === to - 1) i++;
    if (i !== to) return NOT_FIXED;
  }
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  const maxDay = month === 2 && leap ? 29 : DAYS[month - 1];
  if (maxDay === undefined || day < 1 || day > maxDay || hour > 23 || minute > 59 || second > 59) return undefined;
  // Date.UTC's arithmetic, written out (it was a fifth of reading a label's time).
  return daysFromCivil(year, month, day) * 86_400_000 + hour * 3_600_000 + minute * 60_000 + second * 1000 + ms;
}

/** Days from 1970-01-01 to a proleptic Gregorian date (H. Hinnant's days_from_civil), exact for every year this reads. */
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146_097 + doe - 719_468;
}

/** The general ISO 8601 reader: every accepted form, including offsets and years below 100. */
export function parseInstantGeneral(text: string): Instant | undefined {
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

/**
 * The unit an integer that failed as ISO 8601 most likely is an epoch in, for a hint that
 * names `--timestamp-unit`: 9 to 11 digits are seconds (1973 to 5138), 12 or more
 * milliseconds. Shorter integers (`20240301`) are not guessed at.
 */
export function guessEpochUnit(text: string): EpochUnit | undefined {
  const digits = /^-?(\d+)$/.exec(text.trim())?.[1];
  if (digits === undefined || digits.length < 9 || digits.length > 16) return undefined;
  return digits.length <= 11 ? 's' : 'ms';
}

/** What an epoch in `unit` looks like, for messages. */
export function epochExample(unit: EpochUnit): string {
  return unit === 's' ? 'an integer epoch in seconds, like 1709294400' : 'an integer epoch in milliseconds, like 1709294400000';
}

/** `2024-03-01T12:00:00.000Z` — the one output form for timestamps (SPEC §4). */
export function formatInstant(t: Instant): string {
  return new Date(t).toISOString();
}

/**
 * `2024-03-01 12:00:00.000`: the instant's UTC wall time, to the millisecond, as a
 * database session running in UTC reads a date-time literal.
 */
export function formatUtcDateTime(t: Instant): string {
  return formatInstant(t).slice(0, 23).replace('T', ' ');
}

/** `YYYY-MM-DD` of an instant in UTC. */
export function formatDate(t: Instant): string {
  return formatInstant(t).slice(0, 10);
}
