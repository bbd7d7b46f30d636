/**
 * Parquet output (SPEC §4) through hyparquet-writer: typed columns from the declared
 * feature types, written one row group at a time while rows stream in, so memory holds
 * at most one row group (plus the footer's few bytes per group), whatever the row count.
 *
 * hyparquet-writer was chosen because it is pure JavaScript with a single dependency,
 * supports Node 20, and its ParquetWriter writes row groups incrementally through a
 * writer whose flush() may return a promise: that promise is our sink's backpressure.
 */
import { ByteWriter, ParquetWriter, type SchemaElement } from 'hyparquet-writer';
import { SpellbookError } from '../errors.js';
import type { FeatureType } from '../metadata/types.js';
import { shownValue, withArticle, type Value } from '../core/values.js';
import { oneRow, type RowBatch } from '../core/rows.js';
import type { Sink } from './sink.js';
import type { RowWriter } from './write.js';

export interface OutputColumn {
  readonly name: string;
  readonly type: FeatureType;
}

/** Rows per row group: large enough for good compression and fast scans, small enough to keep memory flat. */
export const ROW_GROUP_ROWS = 32_768;

const DAY_MS = 86_400_000;

function schemaElement({ name, type }: OutputColumn): SchemaElement {
  const optional = { name, repetition_type: 'OPTIONAL' } as const;
  switch (type) {
    case 'int':
      return { ...optional, type: 'INT64' };
    case 'float':
      return { ...optional, type: 'DOUBLE' };
    case 'bool':
      return { ...optional, type: 'BOOLEAN' };
    case 'string':
      return { ...optional, type: 'BYTE_ARRAY', converted_type: 'UTF8', logical_type: { type: 'STRING' } };
    case 'timestamp':
      return { ...optional, type: 'INT64', converted_type: 'TIMESTAMP_MILLIS', logical_type: { type: 'TIMESTAMP', isAdjustedToUTC: true, unit: 'MILLIS' } };
    case 'date':
      return { ...optional, type: 'INT32', converted_type: 'DATE', logical_type: { type: 'DATE' } };
  }
}

type Cell = bigint | number | boolean | string | null;

/**
 * A value as the parquet column stores it. Values the declared type cannot hold (a
 * driver returning "abc" for an int feature) fail the run: a typed file must not
 * silently turn them into NULL.
 */
function toCell(v: Value | string, column: OutputColumn): Cell {
  if (v === null) return null;
  switch (column.type) {
    case 'int':
      if (typeof v === 'bigint') return v;
      if (typeof v === 'number' && Number.isInteger(v)) return BigInt(v);
      if (typeof v === 'string' && /^\s*[+-]?\d+\s*$/.test(v)) return BigInt(v.trim());
      break;
    case 'float':
      if (typeof v === 'number') return v;
      break;
    case 'bool':
      if (typeof v === 'boolean') return v;
      break;
    case 'string':
      return typeof v === 'string' ? v : v instanceof Date ? v.toISOString() : String(v);
    case 'timestamp':
      if (v instanceof Date && !Number.isNaN(v.getTime())) return BigInt(v.getTime());
      break;
    case 'date': {
      const ms = typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v) ? Date.parse(`${v}T00:00:00Z`) : NaN;
      if (!Number.isNaN(ms)) return Math.floor(ms / DAY_MS);
      break;
    }
  }
  // Feature values arrive already held to their declared type (pit/values.ts, the rule for
  // every format); this guards the label columns and any caller of the writer.
  throw new SpellbookError(
    'TYPE_MISMATCH',
    `${column.name}: ${shownValue(v)} is not ${withArticle(column.type)}; parquet output needs values of the declared type (spellbook validate checks the column types)`,
    { column: column.name, value: typeof v === 'string' ? v : shownValue(v) },
  );
}

/**
 * A ByteWriter that hands each finished row group to the sink and starts over, so the
 * buffer never holds more than one row group. `offset` keeps counting across flushes:
 * the footer records absolute file offsets.
 */
function sinkWriter(sink: Sink): ByteWriter {
  const writer = new ByteWriter(1 << 20);
  const send = (): Promise<void> | undefined => {
    if (writer.index === 0) return undefined;
    // Copied: the buffer is reused for the next row group while the sink still holds this one.
    const bytes = new Uint8Array(writer.buffer.slice(0, writer.index));
    writer.index = 0;
    return sink.write(bytes);
  };
  Object.assign(writer, {
    flush: () => send(),
    finish: () => send(),
  });
  return writer;
}

/** Label columns arrive as the raw fields of the labels file; the writer keeps them as given. */
export class ParquetRowWriter implements RowWriter<readonly string[]> {
  private readonly columns: readonly OutputColumn[];
  private readonly data: Cell[][];
  private rows = 0;
  private writer: ParquetWriter | undefined;

  constructor(
    private readonly sink: Sink,
    private readonly prefixColumns: readonly OutputColumn[],
    valueColumns: readonly OutputColumn[],
    private readonly rowGroupRows = ROW_GROUP_ROWS,
  ) {
    this.columns = [...prefixColumns, ...valueColumns];
    this.data = this.columns.map(() => []);
  }

  async start(): Promise<void> {
    this.writer = new ParquetWriter({
      writer: sinkWriter(this.sink),
      schema: [{ name: 'root', num_children: this.columns.length }, ...this.columns.map(schemaElement)],
      createdBy: 'spellbook',
    });
  }

  prefix(fields: readonly string[]): readonly string[] {
    return fields;
  }

  row(prefix: readonly string[], values: readonly Value[]): Promise<void> | undefined {
    return this.rowBatch(oneRow(prefix, values));
  }

  rowBatch(batch: RowBatch<readonly string[]>): Promise<void> | undefined {
    return this.addRows(batch, 0);
  }

  /** Adds the batch's rows from `from` on; a full row group is written before the rest are added. */
  private addRows(batch: RowBatch<readonly string[]>, from: number): Promise<void> | undefined {
    const p = this.prefixColumns.length;
    for (let r = from; r < batch.length; r++) {
      const prefix = batch.prefix(r);
      for (let i = 0; i < p; i++) this.data[i]!.push(toCell(prefix[i] ?? null, this.columns[i]!));
      for (let f = 0; f < batch.width; f++) this.data[p + f]!.push(toCell(batch.value(r, f), this.columns[p + f]!));
      if (++this.rows === this.rowGroupRows) return this.flushGroup().then(() => this.addRows(batch, r + 1));
    }
    return undefined;
  }

  private async flushGroup(): Promise<void> {
    if (this.rows === 0) return;
    const columnData = this.columns.map((c, i) => ({ name: c.name, data: this.data[i]! }));
    const rows = this.rows;
    for (let i = 0; i < this.data.length; i++) this.data[i] = [];
    this.rows = 0;
    await this.writer!.write({ columnData, rowGroupSize: rows });
  }

  async finish(): Promise<void> {
    await this.flushGroup();
    await this.writer!.finish();
    await this.sink.commit();
  }

  async abort(): Promise<void> {
    await this.sink.abort();
  }
}
