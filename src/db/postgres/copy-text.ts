/**
 * Rows of `COPY … TO STDOUT` in PostgreSQL's text format, decoded into the same values the
 * ordinary text protocol gives. In that format each field is the column type's text output
 * (exactly what a DataRow carries), written with a few backslash escapes: `\N` alone is
 * NULL, and a backslash, tab, newline or other control character inside a value is escaped.
 * Once unescaped, each field goes through the connection's type parser for its column,
 * so int8, numeric and timestamps stay text and everything else parses as the cursor's rows.
 *
 * The server's bytes arrive in chunks that split rows (and UTF-8 characters) anywhere: the
 * tail after a chunk's last newline waits for the next chunk. Fields are found in the
 * bytes; an int or a float column whose parser is pg's own is read from its bytes, with
 * no string made (a scan's strings, five a row, were most of its garbage), and any other
 * field becomes its text, unescaped only when it holds a backslash.
 */

export type TextParser = (text: string) => unknown;

/** A field's value from its bytes `[start, end)` of `bytes` (no escapes in them: see fieldReader). */
export type FieldReader = (bytes: Buffer, start: number, end: number) => unknown;

const TAB = 0x09;
const NEWLINE = 0x0a;
const BACKSLASH = 0x5c;
const MINUS = 0x2d;
const DOT = 0x2e;
const ZERO = 0x30;
const NINE = 0x39;

/** Powers of ten a double holds exactly (10^22 is the last), each read from its literal. */
const EXACT_POWERS = Array.from({ length: 23 }, (_, k) => Number(`1e${k}`));

/** What COPY TO writes after a backslash for each escaped character (COPY's documentation, "Text Format"). */
const ESCAPED: Record<string, string> = { b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v' };

/**
 * A field's text with COPY's escapes undone. COPY TO writes only these: `\b \f \n \r \t \v`
 * for those control characters and a backslash before a backslash (the octal and hex forms
 * exist only for COPY FROM's input), so a backslash followed by anything else is that character.
 */
export function unescapeCopyText(field: string): string {
  let out = '';
  let from = 0;
  for (let at = field.indexOf('\\'); at !== -1; at = field.indexOf('\\', from)) {
    const c = field[at + 1] ?? '';
    out += field.slice(from, at) + (ESCAPED[c] ?? c);
    from = at + 2;
  }
  return out + field.slice(from);
}

/**
 * `parseInt(text, 10)` of plain digits with an optional minus (what PostgreSQL writes for
 * int2 and int4), read from the bytes; anything else goes to `parse` as text.
 */
export function intReader(parse: TextParser): FieldReader {
  return (bytes, start, end) => {
    const negative = bytes[start] === MINUS;
    let at = negative ? start + 1 : start;
    // Up to 15 digits the sum is exact; int4's widest value has 10.
    if (at === end || end - at > 15) return parse(bytes.toString('latin1', start, end));
    let n = 0;
    for (; at < end; at++) {
      const c = bytes[at]!;
      if (c < ZERO || c > NINE) return parse(bytes.toString('latin1', start, end));
      n = n * 10 + (c - ZERO);
    }
    return negative ? -n : n;
  };
}

/**
 * `parseFloat(text)` of a decimal with at most 15 significant digits and no exponent
 * (PostgreSQL's shortest output of most doubles: `1234.56`, `-0.5`), as digits ÷ 10^k: both
 * are exact doubles, so the one rounding of the division is the correctly rounded value
 * parseFloat gives. Anything else (an exponent, NaN, Infinity, more digits) goes to `parse`.
 */
export function floatReader(parse: TextParser): FieldReader {
  return (bytes, start, end) => {
    const negative = bytes[start] === MINUS;
    let at = negative ? start + 1 : start;
    let mantissa = 0;
    let digits = 0;
    let decimals = -1;
    for (; at < end; at++) {
      const c = bytes[at]!;
      if (c >= ZERO && c <= NINE) {
        mantissa = mantissa * 10 + (c - ZERO);
        if (mantissa !== 0 || decimals >= 0) digits++;
        if (decimals >= 0) decimals++;
      } else if (c === DOT && decimals < 0) {
        decimals = 0;
      } else {
        return parse(bytes.toString('latin1', start, end));
      }
    }
    if (digits > 15 || at === (negative ? start + 1 : start) || decimals === 0 || decimals > 22) return parse(bytes.toString('latin1', start, end));
    const value = decimals > 0 ? mantissa / EXACT_POWERS[decimals]! : mantissa;
    return negative ? -value : value;
  };
}

/** Any other column: the field's text, through the column's parser. */
export function textReader(parse: TextParser): FieldReader {
  return (bytes, start, end) => parse(bytes.toString('utf8', start, end));
}

export class CopyTextRows {
  private tail: Buffer | undefined;

  /** `readers[i]` reads column i's field, as the connection's type parser for that column would its text. */
  constructor(
    private readonly readers: readonly FieldReader[],
    private readonly parsers: readonly TextParser[],
  ) {}

  /** The rows completed by this chunk (possibly none). */
  push(chunk: Buffer): unknown[][] {
    const bytes = this.tail ? Buffer.concat([this.tail, chunk]) : chunk;
    const end = bytes.lastIndexOf(NEWLINE);
    if (end === -1) {
      this.tail = bytes;
      return [];
    }
    this.tail = end + 1 < bytes.length ? Buffer.from(bytes.subarray(end + 1)) : undefined;
    return this.rows(bytes, end + 1);
  }

  /** Called after the last chunk: COPY ends every row with a newline, so nothing may be left. */
  end(): void {
    if (this.tail) throw new Error(`COPY data ended inside a row (${this.tail.length} bytes after the last newline)`);
  }

  /** The rows of `bytes[0, stop)`, which ends with a newline. */
  private rows(bytes: Buffer, stop: number): unknown[][] {
    const { readers, parsers } = this;
    const width = readers.length;
    const rows: unknown[][] = [];
    let at = 0;
    while (at < stop) {
      const row: unknown[] = new Array(width);
      let field = 0;
      let start = at;
      let escaped = false;
      for (;;) {
        const c = bytes[at]!;
        if (c === TAB || c === NEWLINE) {
          if (field >= width) {
            // Counted, not read: the error names how many there were.
          } else if (at - start === 2 && bytes[start] === BACKSLASH && bytes[start + 1] === 0x4e) row[field] = null;
          else if (escaped) row[field] = parsers[field]!(unescapeCopyText(bytes.toString('utf8', start, at)));
          else row[field] = readers[field]!(bytes, start, at);
          field++;
          at++;
          start = at;
          escaped = false;
          if (c === NEWLINE) break;
        } else {
          if (c === BACKSLASH) escaped = true;
          at++;
        }
      }
      if (field !== width) throw new Error(`COPY row with ${field} fields, expected ${width}`);
      rows.push(row);
    }
    return rows;
  }
}
