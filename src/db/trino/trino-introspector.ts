import type { ColumnInfo, Introspector } from '../dialect.js';
import { type TrinoDriver } from './trino-driver.js';
import { quoteWith } from '../identifier.js';

/** Reads Trino's information_schema (per catalog) and the column types a query reports. */
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
