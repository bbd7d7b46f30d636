/**
 * Trino's pages as JSON without losing digits. The protocol writes a bigint as a JSON
 * number, and JSON.parse rounds one beyond ±2^53 to the nearest double
 * (9007199254740993 becomes 9007199254740992). Such an integer is kept here as its digit
 * string instead, as PostgreSQL's int8 arrives as text: values.ts reads that text as the
 * exact integer (a BigInt), and keys.ts refuses it as a key as it does on every engine.
 */
import { parse as parseLossless } from 'lossless-json';

/**
 * A whole run of 16 or more digits, not a double's fraction (`0.30000000000000004`) nor
 * followed by one or by an exponent: the shortest token that can be an unsafe integer
 * (2^53 has 16 digits). Trino writes doubles of 1e7 and more in E notation, so nearly
 * every page of doubles, as every page of small integers, takes the fast native JSON.parse.
 * A run inside a string (a long id in a varchar) only costs the slower parse, never a
 * wrong value.
 */
const MAYBE_UNSAFE = /(?<![\d.])\d{16,}(?![\d.eE])/;

/** A JSON number's text: an integer beyond ±2^53 stays its digits, any other a number, as JSON.parse gives it. */
function number(text: string): number | string {
  const n = Number(text);
  return Number.isSafeInteger(n) || !/^-?\d+$/.test(text) ? n : text;
}

/** One page's JSON text, every integer exact. */
export function parsePage(text: string): unknown {
  return MAYBE_UNSAFE.test(text) ? parseLossless(text, null, number) : JSON.parse(text);
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
