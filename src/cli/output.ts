/** What `export` and `join` share once a plan exists: print it (--dry-run) or stream it to the output. */
import { stringify as yamlStringify } from 'yaml';
import { createEncoder, type OutputFormat, type RowEncoder } from '../io/encoders.js';
import { openSink } from '../io/sink.js';
import { Progress } from '../io/progress.js';
import { writeRows } from '../io/write.js';
import type { OutputRow } from '../pit/join.js';

export function printPlan(plan: Record<string, unknown>): void {
  process.stdout.write(yamlStringify(plan, { lineWidth: 0 }));
}

export interface OutputOptions {
  readonly format: OutputFormat;
  readonly output?: string;
  readonly quiet: boolean;
  readonly label: string;
}

export async function writeOutput(
  rows: (encoder: RowEncoder, progress: Progress) => AsyncIterable<OutputRow<string>>,
  prefixColumns: readonly string[],
  valueColumns: readonly string[],
  options: OutputOptions,
): Promise<number> {
  const encoder = createEncoder(options.format, prefixColumns, valueColumns);
  const progress = new Progress(options.label, { quiet: options.quiet });
  const sink = openSink(options.output);
  return writeRows(rows(encoder, progress), encoder, sink, progress);
}
