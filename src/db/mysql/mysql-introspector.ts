import mysql from 'mysql2';
import type { ColumnInfo, Introspector } from '../dialect.js';
import { KnexIntrospector } from '../knex/knex-introspector.js';
import { type MysqlConnection, queryWithFields } from './mysql-driver.js';

/** The binary pseudo-charset: a BLOB-family field with it is a blob, else text. */
const BINARY_CHARSET = 63;

/** mysql2's wire type codes to the names information_schema's DATA_TYPE uses. */
const TYPE_NAMES: Record<string, string> = {
  DECIMAL: 'decimal',
  NEWDECIMAL: 'decimal',
  TINY: 'tinyint',
  SHORT: 'smallint',
  LONG: 'int',
  INT24: 'mediumint',
  LONGLONG: 'bigint',
  FLOAT: 'float',
  DOUBLE: 'double',
  NULL: 'null',
  TIMESTAMP: 'timestamp',
  TIMESTAMP2: 'timestamp',
  DATE: 'date',
  NEWDATE: 'date',
  TIME: 'time',
  TIME2: 'time',
  DATETIME: 'datetime',
  DATETIME2: 'datetime',
  YEAR: 'year',
  VARCHAR: 'varchar',
  VAR_STRING: 'varchar',
  STRING: 'char',
  BIT: 'bit',
  JSON: 'json',
  ENUM: 'enum',
  SET: 'set',
  GEOMETRY: 'geometry',
};

const CODE_NAMES = new Map<number, string>(
  Object.entries(mysql.Types as unknown as Record<string, number>).map(([name, code]) => [code, name]),
);

function typeName(columnType: number | undefined, characterSet: number | undefined): string {
  const code = CODE_NAMES.get(columnType ?? -1) ?? '';
  if (code.endsWith('BLOB')) return characterSet === BINARY_CHARSET ? 'blob' : 'text';
  if ((code === 'VAR_STRING' || code === 'STRING') && characterSet === BINARY_CHARSET) {
    return code === 'STRING' ? 'binary' : 'varbinary';
  }
  return TYPE_NAMES[code] ?? code.toLowerCase();
}

export class MysqlIntrospector extends KnexIntrospector<MysqlConnection> implements Introspector {
  tableColumns(table: string): Promise<ColumnInfo[] | undefined> {
    return this.lookup(async (c) => {
      const { rows } = await queryWithFields(c, {
        sql: `SELECT COLUMN_NAME AS name, DATA_TYPE AS type,
                     CASE WHEN DATA_TYPE IN ('decimal', 'numeric') THEN NUMERIC_SCALE END AS scale
                FROM information_schema.COLUMNS
               WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ?
               ORDER BY ORDINAL_POSITION`,
        parameters: [table],
      });
      const list = rows as { name: string; type: string; scale: number | null }[];
      if (list.length === 0) return undefined;
      return list.map((r) => ({
        name: r.name,
        dbType: String(r.type).toLowerCase(),
        ...(r.scale === null ? {} : { scale: Number(r.scale) }),
      }));
    });
  }

  queryColumns(sql: string): Promise<ColumnInfo[]> {
    return this.lookup(async (c) => {
      const { fields } = await queryWithFields(c, { sql: `SELECT * FROM (${sql}) AS q LIMIT 0`, parameters: [] });
      return (fields ?? []).map((f) => ({ name: f.name, dbType: typeName(f.columnType, f.characterSet) }));
    });
  }

  indexLeadsWith(table: string, column: string): Promise<boolean> {
    return this.lookup(async (c) => {
      const { rows } = await queryWithFields(c, {
        sql: `SELECT 1 FROM information_schema.STATISTICS
               WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ? AND COLUMN_NAME = ? AND SEQ_IN_INDEX = 1
               LIMIT 1`,
        parameters: [table, column],
      });
      return (rows as unknown[]).length > 0;
    });
  }

  tableNames(): Promise<string[]> {
    return this.lookup(async (c) => {
      const { rows } = await queryWithFields(c, {
        sql: `SELECT TABLE_NAME AS name FROM information_schema.TABLES
               WHERE TABLE_SCHEMA = DATABASE() AND TABLE_TYPE = 'BASE TABLE' ORDER BY TABLE_NAME`,
        parameters: [],
      });
      return (rows as { name: string }[]).map((r) => String(r.name));
    });
  }

  primaryKey(table: string): Promise<string[]> {
    return this.lookup(async (c) => {
      const { rows } = await queryWithFields(c, {
        sql: `SELECT COLUMN_NAME AS name FROM information_schema.STATISTICS
               WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ? AND INDEX_NAME = 'PRIMARY' ORDER BY SEQ_IN_INDEX`,
        parameters: [table],
      });
      return (rows as { name: string }[]).map((r) => String(r.name));
    });
  }
}
