/**
 * A `query:` source runs as a derived table, `(query) AS src`, so it must be exactly one
 * statement. Semicolons inside strings, quoted identifiers and comments do not count.
 */

interface Scan {
  /** Offset of the first non-blank text after a top-level `;`. */
  readonly secondStatementAt?: number;
  /** Offset of the first top-level `;` (a harmless trailing one when nothing follows). */
  readonly firstSemicolonAt?: number;
}

function scan(sql: string, backslashEscapes: boolean): Scan {
  let firstSemicolonAt: number | undefined;
  let i = 0;
  const n = sql.length;
  while (i < n) {
    const c = sql[i]!;
    const next = sql[i + 1];
    if (c === '-' && next === '-') {
      const end = sql.indexOf('\n', i);
      i = end < 0 ? n : end + 1;
      continue;
    }
    if (c === '/' && next === '*') {
      const end = sql.indexOf('*/', i + 2);
      i = end < 0 ? n : end + 2;
      continue;
    }
    if (firstSemicolonAt !== undefined && !/\s/.test(c)) return { firstSemicolonAt, secondStatementAt: i };
    if (c === ';') {
      firstSemicolonAt ??= i;
      i++;
      continue;
    }
    if (c === "'" || c === '"' || c === '`') {
      i = skipQuoted(sql, i, c, backslashEscapes && c !== '`');
      continue;
    }
    if (c === '$' && (i === 0 || !/[A-Za-z0-9_$]/.test(sql[i - 1]!))) {
      // PostgreSQL dollar quoting: $$ … $$ or $tag$ … $tag$.
      const tag = /^\$([A-Za-z_][A-Za-z0-9_]*)?\$/.exec(sql.slice(i))?.[0];
      if (tag) {
        const end = sql.indexOf(tag, i + tag.length);
        i = end < 0 ? n : end + tag.length;
        continue;
      }
    }
    i++;
  }
  return { firstSemicolonAt };
}

/** Offset just past the closing quote; a doubled quote is an escaped quote. */
function skipQuoted(sql: string, start: number, quote: string, backslashEscapes: boolean): number {
  let i = start + 1;
  while (i < sql.length) {
    const c = sql[i];
    if (backslashEscapes && c === '\\') i += 2;
    else if (c === quote && sql[i + 1] === quote) i += 2;
    else if (c === quote) return i + 1;
    else i++;
  }
  return sql.length;
}

/**
 * Where a second statement starts, or undefined for a single one. Backslash escapes in
 * strings mean something on MySQL and nothing on PostgreSQL; a text that is two
 * statements under either reading is rejected.
 */
export function secondStatementAt(sql: string): number | undefined {
  return scan(sql, false).secondStatementAt ?? scan(sql, true).secondStatementAt;
}

/** The statement without a trailing `;` (and what follows it), which a derived table cannot hold. */
export function withoutTrailingSemicolon(sql: string): string {
  const at = scan(sql, false).firstSemicolonAt;
  return (at === undefined ? sql : sql.slice(0, at)).trim();
}
