import type { ColumnInfo, Introspector } from '../dialect.js';
import { KnexIntrospector } from '../knex/knex-introspector.js';
import type { SqliteConnection } from './sqlite-driver.js';

export class SqliteIntrospector extends KnexIntrospector<SqliteConnection> implements Introspector {
  tableColumns(table: string): Promise<ColumnInfo[] | undefined> {
    return this.lookup(async (db) => {
      // table_xinfo also lists generated columns (hidden 2/3), which a SELECT can read;
      // hidden = 1 marks virtual-table internals that it cannot.
      const rows = db
        .prepare('SELECT name, type FROM pragma_table_xinfo(?) WHERE hidden <> 1 ORDER BY cid')
        .all(table) as { name: string; type: string | null }[];
      if (rows.length === 0) return undefined;
      return rows.map((r) => ({ name: r.name, dbType: (r.type ?? '').toLowerCase() }));
    });
  }

  queryColumns(sql: string): Promise<ColumnInfo[]> {
    return this.lookup(async (db) => {
      // Declared types only: an expression column has none, so it reports ''.
      const statement = db.prepare(`SELECT * FROM (${sql}) AS q LIMIT 0`);
      return statement.columns().map((c) => ({ name: c.name, dbType: (c.type ?? '').toLowerCase() }));
    });
  }

  indexLeadsWith(table: string, column: string): Promise<boolean> {
    return this.lookup(async (db) => {
      const row = db
        .prepare('SELECT 1 FROM pragma_index_list(?) AS l JOIN pragma_index_info(l.name) AS i WHERE i.seqno = 0 AND i.name = ? LIMIT 1')
        .get(table, column);
      return row !== undefined;
    });
  }

  tableNames(): Promise<string[]> {
    return this.lookup(async (db) => {
      const rows = db.prepare("SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name").all() as { name: string }[];
      return rows.map((r) => r.name);
    });
  }

  primaryKey(table: string): Promise<string[]> {
    return this.lookup(async (db) => {
      const rows = db.prepare('SELECT name FROM pragma_table_info(?) WHERE pk > 0 ORDER BY pk').all(table) as { name: string }[];
      return rows.map((r) => r.name);
    });
  }
}
