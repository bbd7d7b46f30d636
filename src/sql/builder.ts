/**
 * SQL as text fragments that carry their own parameters, rendered by the engine's query compiler at the end
 * (the model of drizzle's `sql` template and `sqlToQuery`). A value only ever enters a
 * statement as a parameter (SPEC §5), and binding cannot go wrong:
 *
 * - `param(value)` is a fragment: a marker holding the value itself, not a placeholder
 *   number. Fragments are composed as ordinary strings, in any order, passed through the
 *   dialects' expression builders, repeated or dropped;
 * - `render(compiler, text)` numbers the placeholders in the order the markers stand in
 *   the finished text and lists the values in that same order. A fragment used twice
 *   binds its value twice (`?` dialects need that); one never used binds nothing.
 *
 * A marker is NUL, the value as JSON, NUL. JSON escapes control characters, so a value
 * (a labels chunk, a key with a NUL in it) cannot end a marker early; SQL text from
 * metadata cannot hold a NUL (sourceSql refuses it), so it cannot start one.
 */
import type { CompiledQuery, QueryCompiler } from '../db/dialect.js';
import { SpellbookError } from '../errors.js';
import { tableSql } from '../db/identifier.js';
import type { Source } from '../metadata/types.js';

const MARK = '\u0000';

/** The JSON of a bound value; Date and bigint, which JSON lacks, are tagged. */
function encode(value: unknown): string {
  if (value instanceof Date) return JSON.stringify({ date: value.getTime() });
  if (typeof value === 'bigint') return JSON.stringify({ bigint: value.toString() });
  if (value === undefined || typeof value === 'function' || typeof value === 'symbol' || (typeof value === 'object' && value !== null)) {
    throw new TypeError(`cannot bind a ${typeof value} as an SQL parameter`);
  }
  return JSON.stringify([value]);
}

function decode(json: string): unknown {
  const parsed = JSON.parse(json) as [unknown] | { date: number } | { bigint: string };
  if (Array.isArray(parsed)) return parsed[0];
  return 'date' in parsed ? new Date(parsed.date) : BigInt(parsed.bigint);
}

/** A fragment binding `value`: string, number, boolean, null, Date or bigint. */
export function param(value: unknown): string {
  return MARK + encode(value) + MARK;
}

/** The statement to run: placeholders numbered in text order, values listed in that order. */
export function render(compiler: QueryCompiler, text: string): CompiledQuery {
  const parts = text.split(MARK);
  if (parts.length % 2 === 0) throw new Error('SQL text with an unpaired parameter marker');
  const parameters: unknown[] = [];
  let sql = parts[0]!;
  for (let i = 1; i < parts.length; i += 2) {
    parameters.push(decode(parts[i]!));
    sql += compiler.placeholder(parameters.length) + parts[i + 1]!;
  }
  return { sql, parameters };
}

/** Shorthands bound to one compiler, for the statement builders. */
export class SqlBuilder {
  constructor(readonly compiler: QueryCompiler) {}

  /** A fragment binding `value` (see `param`); where it ends up in the text decides its place. */
  bind(value: unknown): string {
    return param(value);
  }

  id(name: string): string {
    return this.compiler.quoteIdentifier(name);
  }

  compile(sql: string): CompiledQuery {
    return render(this.compiler, sql);
  }
}

// Defined beside the identifier quoting in db/, where an engine's driver can use it too.
export { tableSql } from '../db/identifier.js';

/** A group's source as a FROM item named `alias`: a quoted table (schema.table allowed) or the query as a derived table. */
export function sourceSql(compiler: QueryCompiler, source: Source, alias: string): string {
  const name = compiler.quoteIdentifier(alias);
  if (source.kind === 'table') return `${tableSql(compiler, source.table)} AS ${name}`;
  return `(${rawQuery(source.sql)}\n) AS ${name}`;
}

/**
 * A user's SELECT as text to embed: without its trailing semicolon, and refused if it holds
 * a NUL, which would read as a parameter marker.
 * The caller ends it with a newline, so a trailing `-- comment` cannot swallow what follows.
 */
export function rawQuery(sql: string): string {
  if (sql.includes(MARK)) throw new SpellbookError('METADATA_INVALID', 'a source query holds a NUL character, which no database accepts');
  return sql.trim().replace(/;\s*$/, '');
}
