import type { ColumnInfo, Introspector } from '../dialect.js';
import { type TrinoDriver } from './trino-driver.js';
import { quoteWith } from '../identifier.js';
import { SpellbookError } from '../../errors.js';

/**
 * Reads Trino's information_schema (per catalog) and the column types a query reports.
 * `spellbook init` reads the connection's catalog and schema the same way.
 */
export class TrinoIntrospector implements Introspector {
  constructor(private readonly driver: TrinoDriver) {}

  /**
   * `table`, `schema.table` or `catalog.schema.table`, the missing parts from the
   * connection as the export SQL resolves them. Trino folds unquoted names to lower case
   * and most connectors store them so; information_schema holds the folded names.
   */
  async tableColumns(table: string): Promise<ColumnInfo[] | undefined> {
    const parts = table.split('.');
    const name = parts.pop()!;
    const schema = parts.pop() ?? this.driver.config.schema ?? '';
    const catalog = parts.pop() ?? this.driver.config.catalog ?? '';
    const rows = await this.driver.all({
      sql:
        `SELECT column_name, data_type FROM ${quoteWith(catalog, '"')}.information_schema.columns` +
        ' WHERE table_schema = ? AND table_name = ? ORDER BY ordinal_position',
      parameters: [schema.toLowerCase(), name.toLowerCase()],
    });
    if (rows.length === 0) return undefined;
    return rows.map((r) => scaled(String(r['column_name']), String(r['data_type']).toLowerCase()));
  }

  /** The base tables of the connection's schema (`spellbook init`); views are left out, as on every engine. */
  async tableNames(): Promise<string[]> {
    const { catalog, schema } = this.place();
    const rows = await this.driver.all({
      sql:
        `SELECT table_name FROM ${quoteWith(catalog, '"')}.information_schema.tables` +
        " WHERE table_schema = ? AND table_type = 'BASE TABLE' ORDER BY table_name",
      parameters: [schema.toLowerCase()],
    });
    return rows.map((r) => String(r['table_name']));
  }

  /**
   * Trino's information_schema has no constraints (table_constraints and key_column_usage
   * do not exist, and most connectors know no keys): init guesses the key from the column
   * names instead, as it does for a table without a primary key elsewhere.
   */
  primaryKey(): Promise<string[]> {
    return Promise.resolve([]);
  }

  /** init describes one schema: the connection's, which it needs to name. */
  private place(): { catalog: string; schema: string } {
    const { catalog, schema } = this.driver.config;
    if (catalog === undefined || schema === undefined) {
      throw new SpellbookError('USAGE', 'init on Trino needs the catalog and schema to describe: trino://USER@HOST:PORT/CATALOG/SCHEMA');
    }
    return { catalog, schema };
  }

  async queryColumns(sql: string): Promise<ColumnInfo[]> {
    const columns = await this.driver.columns({ sql: `SELECT * FROM (${sql}\n) AS q LIMIT 0`, parameters: [] });
    return columns.map((c) => scaled(c.name, c.dbType));
  }

  /** Trino has no indexes; its joins are hash joins whatever the table. */
  indexLeadsWith(): Promise<boolean> {
    return Promise.resolve(false);
  }
}

/** `decimal(10,2)` carries its scale, which `validate` needs to tell integers from decimals. */
function scaled(name: string, dbType: string): ColumnInfo {
  const m = /^decimal\(\s*\d+\s*,\s*(\d+)\s*\)$/.exec(dbType);
  return m ? { name, dbType, scale: Number(m[1]) } : { name, dbType };
}
