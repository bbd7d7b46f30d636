/**
 * Rows of `COPY … TO STDOUT` in PostgreSQL's text format, decoded into the same values the
 * ordinary text protocol gives. In that format each field is the column type's text output
 * (exactly what a DataRow carries), written with a few backslash escapes: `\N` alone is
 * NULL, and a backslash, tab, newline or other control character inside a value is escaped.
 * Once unescaped, each field goes through the connection's type parser for its column,
 * so int8, numeric and timestamps stay text and everything else parses as the cursor's rows.
 *
 * The server's bytes arrive in chunks that split rows (and UTF-8 characters) anywhere: the
 * tail after a chunk's last newline waits for the next chunk. A field is unescaped only when
 * it holds a backslash, so ordinary numbers and text cost one split.
 */

export type TextParser = (text: string) => unknown;

const NEWLINE = 0x0a;

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

export class CopyTextRows {
  private tail: Buffer | undefined;

  /** `parsers[i]` turns column i's text into its value, as the connection's type parser for that column does. */
  constructor(private readonly parsers: readonly TextParser[]) {}

  /** The rows completed by this chunk (possibly none). */
  push(chunk: Buffer): unknown[][] {
    const bytes = this.tail ? Buffer.concat([this.tail, chunk]) : chunk;
    const end = bytes.lastIndexOf(NEWLINE);
    if (end === -1) {
      this.tail = bytes;
      return [];
    }
    this.tail = end + 1 < bytes.length ? Buffer.from(bytes.subarray(end + 1)) : undefined;
    return this.rows(bytes.toString('utf8', 0, end));
  }

  /** Called after the last chunk: COPY ends every row with a newline, so nothing may be left. */
  end(): void {
    if (this.tail) throw new Error(`COPY data ended inside a row (${this.tail.length} bytes after the last newline)`);
  }

  private rows(text: string): unknown[][] {
    const parsers = this.parsers;
    const width = parsers.length;
    const lines = text.split('\n');
    const rows: unknown[][] = new Array(lines.length);
    for (let r = 0; r < lines.length; r++) {
      const fields = lines[r]!.split('\t');
      if (fields.length !== width) throw new Error(`COPY row with ${fields.length} fields, expected ${width}`);
      const row: unknown[] = new Array(width);
      for (let i = 0; i < width; i++) {
        const f = fields[i]!;
        if (f === '\\N') row[i] = null;
        else row[i] = parsers[i]!(f.includes('\\') ? unescapeCopyText(f) : f);
      }
      rows[r] = row;
    }
    return rows;
  }
}
