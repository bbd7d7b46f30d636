/**
 * Trino's pages as JSON without losing digits. The protocol writes a bigint as a JSON
 * number, and JSON.parse rounds one beyond ±2^53 to the nearest double
 * (9007199254740993 becomes 9007199254740992). Such an integer is kept here as its digit
 * string instead, as PostgreSQL's int8 arrives as text: values.ts reads that text as the
 * exact integer (a BigInt), and keys.ts refuses it as a key as it does on every engine.
 */
import { parse as parseLossless } from 'lossless-json';

/**
 * Whether `text` has a run of 16 digits: the shortest that can be an unsafe integer (2^53
 * has 16 digits). Most pages have none. Any such run covers exactly one position p with
 * p % 16 = 15, so only those are probed, and a run is measured only where a probe lands
 * on a digit: a 1.6 MB page of a million-label join took 5 ms, where the regular
 * expression /\d{16}/ took 35 ms, as long as the page's JSON.parse.
 */
function hasSixteenDigits(text: string): boolean {
  const isDigit = (i: number) => {
    const c = text.charCodeAt(i);
    return c >= 48 && c <= 57;
  };
  for (let p = 15; p < text.length; p += 16) {
    if (!isDigit(p)) continue;
    let end = p + 1;
    while (end < text.length && isDigit(end)) end++;
    let start = p;
    while (start > 0 && end - start < 16 && isDigit(start - 1)) start--;
    if (end - start >= 16) return true;
  }
  return false;
}

/**
 * Such a run as a number token: after what may come before a value in JSON (`[`, `,`,
 * `:`, a minus, whitespace) and not before a fraction or an exponent, so a double's
 * digits (`0.30000000000000004`) do not count; Trino writes doubles of 1e7 and more in
 * E notation. A run inside a string (a long id in a varchar) only costs the slower
 * parse, never a wrong value.
 */
const INTEGER_TOKEN = /[[,:\s-]\d{16}(?![.eE])/;

/** A JSON number's text: an integer beyond ±2^53 stays its digits, any other a number, as JSON.parse gives it. */
function number(text: string): number | string {
  const n = Number(text);
  return Number.isSafeInteger(n) || !/^-?\d+$/.test(text) ? n : text;
}

/** One page's JSON text, every integer exact. */
export function parsePage(text: string): unknown {
  return hasSixteenDigits(text) && INTEGER_TOKEN.test(text) ? parseLossless(text, null, number) : JSON.parse(text);
}

/**
 * An axios `transformResponse` for trino-client's requests, in place of axios's own JSON
 * parsing and with its leniency: a body that is not JSON (a proxy's HTML error page) is
 * handed on as text, as axios does by default.
 */
export function decodeResponse(data: unknown): unknown {
  if (typeof data !== 'string' || data === '') return data;
  try {
    return parsePage(data);
  } catch {
    return data;
  }
}
