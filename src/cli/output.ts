/** What `export` and `join` share once a plan exists: print it (--dry-run) or stream it to the output. */
import { stringify as yamlStringify } from 'yaml';
import { usage } from '../errors.js';
import { createEncoder, type OutputFormat } from '../io/encoders.js';
import { ParquetRowWriter, type OutputColumn } from '../io/parquet.js';
import { openSink } from '../io/sink.js';
import { Progress } from '../io/progress.js';
import { textRowWriter, writeRows, type RowWriter } from '../io/write.js';
import type { OutputRow } from '../core/rows.js';

export function printPlan(plan: Record<string, unknown>): void {
  process.stdout.write(yamlStringify(plan, { lineWidth: 0 }));
}

export interface OutputOptions {
  readonly format: OutputFormat;
  readonly output?: string;
  readonly quiet: boolean;
  readonly label: string;
}

/** Encodes a join's label fields for the chosen format; the rows hand back what it returned. */
export interface PrefixEncoder {
  prefix(fields: readonly string[]): unknown;
}

export async function writeOutput(
  rows: (encoder: PrefixEncoder, progress: Progress) => AsyncIterable<OutputRow<unknown>>,
  prefixColumns: readonly OutputColumn[],
  valueColumns: readonly OutputColumn[],
  options: OutputOptions,
): Promise<number> {
  if (options.format === 'parquet' && (options.output ?? '-') === '-' && process.stdout.isTTY === true) {
    throw usage('parquet is binary: pass --output FILE.parquet, or redirect stdout');
  }
  const sink = openSink(options.output);
  const writer: RowWriter<unknown> =
    options.format === 'parquet'
      ? (new ParquetRowWriter(sink, prefixColumns, valueColumns) as RowWriter<unknown>)
      : (textRowWriter(createEncoder(options.format, prefixColumns.map((c) => c.name), valueColumns.map((c) => c.name)), sink) as RowWriter<unknown>);
  const progress = new Progress(options.label, { quiet: options.quiet });
  return writeRows(rows(writer, progress), writer, progress);
}
