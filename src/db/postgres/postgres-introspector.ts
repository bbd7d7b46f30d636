import type pg from 'pg';
import type { ColumnInfo, Introspector } from '../dialect.js';
import { KnexIntrospector } from '../knex/knex-introspector.js';

export class PostgresIntrospector extends KnexIntrospector<pg.Client> implements Introspector {
  tableColumns(table: string): Promise<ColumnInfo[] | undefined> {
    return this.lookup(async (c) => {
      // Unqualified names resolve in the first schema of the search_path, as the export SQL will.
      const { rows } = await c.query<{ name: string; type: string; scale: number | null }>(
        `SELECT column_name AS name,
                CASE WHEN data_type = 'USER-DEFINED' THEN udt_name ELSE data_type END AS type,
                CASE WHEN data_type = 'numeric' THEN numeric_scale END AS scale
           FROM information_schema.columns
          WHERE table_schema = current_schema() AND table_name = $1
          ORDER BY ordinal_position`,
        [table],
      );
      if (rows.length === 0) return undefined;
      return rows.map((r) => ({ name: r.name, dbType: r.type.toLowerCase(), ...(r.scale === null ? {} : { scale: Number(r.scale) }) }));
    });
  }

  queryColumns(sql: string): Promise<ColumnInfo[]> {
    return this.lookup(async (c) => {
      const { fields } = await c.query({ text: `SELECT * FROM (${sql}) AS q LIMIT 0`, values: [], queryMode: 'extended' } as pg.QueryConfig);
      const oids = [...new Set(fields.map((f) => f.dataTypeID))];
      // format_type gives the names information_schema uses (`timestamp with time zone`).
      const { rows } = await c.query<{ oid: number; name: string }>(
        'SELECT oid::int4 AS oid, format_type(oid, NULL) AS name FROM pg_type WHERE oid = ANY($1::oid[])',
        [oids],
      );
      const names = new Map(rows.map((r) => [r.oid, r.name]));
      return fields.map((f) => ({ name: f.name, dbType: (names.get(f.dataTypeID) ?? '').toLowerCase() }));
    });
  }

  indexLeadsWith(table: string, column: string): Promise<boolean> {
    return this.lookup(async (c) => {
      const { rows } = await c.query(
        `SELECT 1 FROM pg_index i
           JOIN pg_class t ON t.oid = i.indrelid
           JOIN pg_namespace n ON n.oid = t.relnamespace
           JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = i.indkey[0]
          WHERE n.nspname = current_schema() AND t.relname = $1 AND a.attname = $2
          LIMIT 1`,
        [table, column],
      );
      return rows.length > 0;
    });
  }

  tableNames(): Promise<string[]> {
    return this.lookup(async (c) => {
      const { rows } = await c.query<{ name: string }>(
        `SELECT table_name AS name FROM information_schema.tables
          WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name`,
      );
      return rows.map((r) => r.name);
    });
  }

  primaryKey(table: string): Promise<string[]> {
    return this.lookup(async (c) => {
      const { rows } = await c.query<{ name: string }>(
        `SELECT k.column_name AS name
           FROM information_schema.table_constraints t
           JOIN information_schema.key_column_usage k
             ON k.constraint_name = t.constraint_name AND k.table_schema = t.table_schema AND k.table_name = t.table_name
          WHERE t.table_schema = current_schema() AND t.table_name = $1 AND t.constraint_type = 'PRIMARY KEY'
          ORDER BY k.ordinal_position`,
        [table],
      );
      return rows.map((r) => r.name);
    });
  }
}
