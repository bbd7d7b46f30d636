/**
 * Builds SQL text and its bound parameters together, so a value can only ever enter a
 * statement as a parameter (SPEC §5) and placeholders are numbered right per dialect.
 */
import type { CompiledQuery, SqlDialect } from '../db/dialect.js';
import type { Source } from '../metadata/types.js';

export class SqlBuilder {
  private readonly parameters: unknown[] = [];
  constructor(readonly dialect: SqlDialect) {}

  /** Binds a value; returns its placeholder. */
  bind(value: unknown): string {
    this.parameters.push(value);
    return this.dialect.placeholder(this.parameters.length);
  }

  id(name: string): string {
    return this.dialect.quoteIdentifier(name);
  }

  compile(sql: string): CompiledQuery {
    return { sql, parameters: [...this.parameters] };
  }
}

/** A group's source as a FROM item named `alias`: a quoted table (schema.table allowed) or the query as a derived table. */
export function sourceSql(dialect: SqlDialect, source: Source, alias: string): string {
  const name = dialect.quoteIdentifier(alias);
  // The newline keeps a trailing `-- comment` in the query from swallowing the parenthesis.
  if (source.kind === 'query') return `(${source.sql.trim().replace(/;\s*$/, '')}\n) AS ${name}`;
  const table = source.table.split('.').map((part) => dialect.quoteIdentifier(part)).join('.');
  return `${table} AS ${name}`;
}
