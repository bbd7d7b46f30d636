/**
 * Reads a parquet file back with DuckDB, an independent implementation, and renders every
 * value as spellbook's CSV would, so a parquet file and a CSV file of the same run can be
 * compared row for row.
 */
import { DuckDBInstance } from '@duckdb/node-api';
import { parse } from 'csv-parse/sync';
import { readFileSync } from 'node:fs';

export interface ParquetContents {
  readonly columns: readonly string[];
  readonly types: readonly string[];
  /** Each value as CSV text: '' for NULL, ISO UTC timestamps, YYYY-MM-DD dates, true/false. */
  readonly rows: readonly string[][];
  readonly rowGroups: number;
}

function text(v: unknown, type: string): string {
  if (v === null || v === undefined) return '';
  if (type === 'DATE') return (v as Date).toISOString().slice(0, 10);
  if (v instanceof Date) return v.toISOString();
  return String(v);
}

export async function readParquet(file: string): Promise<ParquetContents> {
  const instance = await DuckDBInstance.create(':memory:');
  const db = await instance.connect();
  try {
    const quoted = `'${file.replace(/'/g, "''")}'`;
    const described = (await db.runAndReadAll(`DESCRIBE SELECT * FROM read_parquet(${quoted})`)).getRowObjectsJS();
    const columns = described.map((r) => String(r['column_name']));
    const types = described.map((r) => String(r['column_type']));
    const rows = (await db.runAndReadAll(`SELECT * FROM read_parquet(${quoted})`)).getRowsJS().map((r) => r.map((v, i) => text(v, types[i]!)));
    const meta = (await db.runAndReadAll(`SELECT count(DISTINCT row_group_id) AS n FROM parquet_metadata(${quoted})`)).getRowObjectsJS();
    return { columns, types, rows, rowGroups: Number(meta[0]!['n']) };
  } finally {
    db.closeSync();
    instance.closeSync();
  }
}

/** A CSV file as its header and rows of field text. */
export function readCsv(file: string): { columns: string[]; rows: string[][] } {
  const [columns, ...rows] = parse(readFileSync(file, 'utf8'), { relax_column_count: false }) as string[][];
  return { columns: columns ?? [], rows };
}
