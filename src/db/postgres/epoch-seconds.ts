/**
 * A time's epoch seconds as PostgreSQL writes `extract(epoch from …)` (numeric text:
 * `1709294400.123456`, `-0.000500`, `Infinity`) to whole epoch milliseconds, floored as
 * epochMs's `floor(… * 1000)` floors them: read digit by digit, so exact whatever the
 * range, where `Number(text) * 1000` could land a hair below a whole millisecond.
 */
export function epochSecondsToMs(text: string): number {
  const bytes = Buffer.from(text, 'latin1');
  return readEpochSeconds(bytes, 0, bytes.length);
}

/** epochSecondsToMs of the ASCII bytes `[start, end)` of a COPY row, with no string made. */
export function readEpochSeconds(bytes: Buffer, start: number, end: number): number {
  const negative = bytes[start] === 0x2d;
  let at = negative ? start + 1 : start;
  let whole = 0;
  let digits = 0;
  for (; at < end; at++) {
    const c = bytes[at]!;
    if (c === 0x2e) break;
    if (c < 0x30 || c > 0x39) return Number(bytes.toString('latin1', start, end)) * 1000; // Infinity, -Infinity, NaN
    whole = whole * 10 + (c - 0x30);
    digits++;
  }
  // Exact up to 2^53 ms (the year 287396); PostgreSQL's last timestamp, in 294276 AD, is
  // ~9.2e15 ms, where neither this nor epochMs's float8 can be exact.
  if (digits > 15) return Math.floor(Number(bytes.toString('latin1', start, end)) * 1000);
  // The first three decimals are the milliseconds; any other non-zero decimal only moves
  // a negative time down to the next millisecond (floor, not truncation).
  let ms = 0;
  let rest = false;
  for (let d = 0, i = at + 1; i < end; i++, d++) {
    const digit = bytes[i]! - 0x30;
    if (d < 3) ms += digit * (d === 0 ? 100 : d === 1 ? 10 : 1);
    else if (digit !== 0) rest = true;
  }
  return negative ? -(whole * 1000 + ms) - (rest ? 1 : 0) : whole * 1000 + ms;
}
