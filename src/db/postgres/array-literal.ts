/**
 * Array parameters as PostgreSQL array literals, written in one join. pg's own encoding
 * (utils.arrayString) appends each element to a growing string, a quoted copy and a
 * cons-string node per element, all alive until the message is written: the database
 * join's one statement for 1M labels (three arrays of a million) held ~400 MB of heap
 * that way, and peaked at ~600 MB. The literal is the text pg would send, less its
 * quotes around numbers, which PostgreSQL's array input reads the same either way.
 */

/** The parameters as pg should send them: flat arrays of numbers, strings and NULLs as their literal; the rest as given. */
export function pgParameters(parameters: readonly unknown[]): unknown[] {
  return parameters.map((p) => (Array.isArray(p) ? (arrayLiteral(p) ?? p) : p));
}

/**
 * `{1,2.5,NULL,"a \"b\""}` for a flat array of numbers, bigints, strings and NULLs
 * (null or undefined, as pg reads them); undefined for any other element (nested arrays,
 * dates, buffers, booleans), which pg then encodes itself.
 */
export function arrayLiteral(values: readonly unknown[]): string | undefined {
  let plain = true;
  for (const v of values) {
    if (typeof v === 'number' || typeof v === 'bigint') continue;
    if (typeof v === 'string' || v === null || v === undefined) plain = false;
    else return undefined;
  }
  // A number's text is pg's own (toString); join writes it without an element's string kept.
  if (plain) return `{${values.join(',')}}`;
  return `{${values.map(element).join(',')}}`;
}

function element(v: unknown): string {
  if (v === null || v === undefined) return 'NULL';
  if (typeof v === 'string') return `"${v.replace(/[\\"]/g, '\\$&')}"`;
  return String(v);
}
