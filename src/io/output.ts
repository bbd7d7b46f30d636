/**
 * Writing output rows to a file or stdout in one of the output formats (SPEC §4): the one
 * way the library and the commands produce output. A file is written under a temporary
 * name and renamed into place only when every row made it (sink.ts).
 */
import { extname } from 'node:path';
import { usage } from '../errors.js';
import type { OutputRow, RowBatch } from '../core/rows.js';
import { createEncoder, type OutputFormat } from './encoders.js';
import { ParquetRowWriter, type OutputColumn } from './parquet.js';
import { Progress } from './progress.js';
import { openSink } from './sink.js';
import { textRowWriter, writeRows, type RowWriter } from './write.js';

/** Where and how rows are written. */
export interface WriteOptions {
  /** A file path; `-` or absent: stdout. */
  readonly output?: string;
  /** Default: from the file's extension (`.jsonl`/`.ndjson`, `.parquet`), else csv. */
  readonly format?: OutputFormat;
  /** Progress on stderr (when it is a terminal) under this label; absent: none. */
  readonly progress?: { readonly label: string; readonly quiet?: boolean };
}

/** The format of `format`, else the one the output file's extension names, else csv. */
export function formatOf(format: OutputFormat | undefined, output: string | undefined): OutputFormat {
  if (format !== undefined) return format;
  const ext = output === undefined ? '' : extname(output).toLowerCase();
  if (ext === '.jsonl' || ext === '.ndjson') return 'jsonl';
  if (ext === '.parquet') return 'parquet';
  return 'csv';
}

/** Encodes a join's label fields for the chosen format; the rows hand back what it returned. */
export interface PrefixEncoder {
  prefix(fields: readonly string[]): unknown;
  prefixOfLine?(line: string, delimiter: string): unknown;
  /** Whether the writer copies values a batch already holds as CSV text (RowBatch.csv). */
  readonly copiesCsvValues?: boolean;
}

/**
 * Writes the rows `rows` yields, one by one or in batches (given the encoder for a join's label fields, and the
 * progress to tick) in `prefixColumns` then `valueColumns`; returns the number of rows.
 */
export async function writeOutput(
  rows: (encoder: PrefixEncoder, progress: Progress) => AsyncIterable<OutputRow<unknown> | RowBatch<unknown>>,
  prefixColumns: readonly OutputColumn[],
  valueColumns: readonly OutputColumn[],
  options: WriteOptions,
): Promise<number> {
  const format = formatOf(options.format, options.output);
  if (format === 'parquet' && (options.output ?? '-') === '-' && process.stdout.isTTY === true) {
    throw usage('parquet is binary: pass --output FILE.parquet, or redirect stdout');
  }
  const sink = openSink(options.output);
  const writer: RowWriter<unknown> =
    format === 'parquet'
      ? (new ParquetRowWriter(sink, prefixColumns, valueColumns) as RowWriter<unknown>)
      : (textRowWriter(createEncoder(format, prefixColumns.map((c) => c.name), valueColumns.map((c) => c.name)), sink) as RowWriter<unknown>);
  const progress = new Progress(options.progress?.label ?? '', { quiet: options.progress === undefined || options.progress.quiet === true });
  return writeRows(rows(writer, progress), writer, progress);
}
