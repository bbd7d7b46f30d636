/**
 * Text output encoders (SPEC §4; parquet is parquet.ts). Each row is: an already-encoded
 * prefix (a join's label columns, encoded once while the labels file is read, so a million
 * labels cost a million short strings rather than a million arrays) and typed values
 * appended to it.
 *
 * The CSV quoting is written out here rather than taken from csv-stringify because it
 * runs for every value of every output row and RFC 4180 quoting is three lines.
 */
import { oneRow, type RowBatch } from '../core/rows.js';
import { CsvBytes } from './csv-bytes.js';
import type { Value } from '../core/values.js';

export type OutputFormat = 'csv' | 'jsonl' | 'parquet';
export const OUTPUT_FORMATS: readonly OutputFormat[] = ['csv', 'jsonl', 'parquet'];

export interface RowEncoder {
  /** Text before the first row (the CSV header), '' if none. */
  header(): string;
  /** Encodes the label (input) columns of a row; the result is stored until output. */
  prefix(fields: readonly string[]): string;
  /** The same for the fields of a line of a CSV file without quotes, split by `delimiter`. */
  prefixOfLine(line: string, delimiter: string): string;
  /** One output line: the prefix then the values, newline-terminated. */
  row(prefix: string, values: readonly Value[]): string;
  /** The lines of a batch of rows, as one text. */
  lines(batch: RowBatch<string>): string;
  /** The same lines' UTF-8 bytes, where the format writes them without the text (csv). */
  bytes?(batch: RowBatch<string>): Uint8Array;
}

const NEEDS_QUOTES = /[",\r\n]/;

export function csvField(text: string): string {
  return NEEDS_QUOTES.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** CSV text of a value: NULL empty, booleans true/false, timestamps ISO UTC, floats shortest round-trip. */
export function csvValue(v: Value): string {
  if (v === null) return '';
  if (typeof v === 'string') return csvField(v);
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? '' : v.toISOString();
  return String(v);
}

function jsonValue(v: Value): string {
  if (v === null) return 'null';
  if (typeof v === 'bigint') return v.toString();
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : 'null';
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? 'null' : `"${v.toISOString()}"`;
  return JSON.stringify(v);
}

/**
 * A label's fields as the start of a CSV line. Once per label: joined in a loop, without
 * map()'s array and join() per row (1M four-field prefixes: 0.33-0.50 s against 0.44-0.65 s CPU).
 */
function csvPrefix(fields: readonly string[]): string {
  let text = fields.length === 0 ? '' : csvField(fields[0]!);
  for (let i = 1; i < fields.length; i++) text += ',' + csvField(fields[i]!);
  return text;
}

/**
 * @param prefixColumns names of the columns `prefix()` receives (a join's label columns)
 * @param valueColumns names of the typed values `row()` receives
 */
export function createEncoder(format: OutputFormat, prefixColumns: readonly string[], valueColumns: readonly string[]): RowEncoder {
  if (format === 'csv') {
    const first = prefixColumns.length === 0 ? '' : ',';
    const bytes = new CsvBytes();
    const lines = (batch: RowBatch<string>): string => {
      const width = batch.width;
      let text = '';
      for (let r = 0; r < batch.length; r++) {
        text += batch.prefix(r);
        for (let f = 0; f < width; f++) text += (f === 0 ? first : ',') + csvValue(batch.value(r, f));
        text += '\n';
      }
      return text;
    };
    return {
      header: () => [...prefixColumns, ...valueColumns].map(csvField).join(',') + '\n',
      prefix: csvPrefix,
      // A comma-separated line without quotes or a carriage return is its own encoding.
      prefixOfLine: (line, delimiter) => (delimiter === ',' && !line.includes('\r') ? line : csvPrefix(line.split(delimiter))),
      row: (prefix, values) => lines(oneRow(prefix, values)),
      lines,
      bytes: (batch) => bytes.lines(batch, first),
    };
  }
  if (format === 'jsonl') {
    const prefixNames = prefixColumns.map((c) => JSON.stringify(c) + ':');
    const valueNames = valueColumns.map((c) => JSON.stringify(c) + ':');
    const first = prefixNames.length === 0 ? '' : ',';
    const lines = (batch: RowBatch<string>): string => {
      const width = batch.width;
      let text = '';
      for (let r = 0; r < batch.length; r++) {
        text += '{' + batch.prefix(r);
        for (let f = 0; f < width; f++) text += (f === 0 ? first : ',') + valueNames[f] + jsonValue(batch.value(r, f));
        text += '}\n';
      }
      return text;
    };
    return {
      header: () => '',
      prefix: (fields) => fields.map((f, i) => prefixNames[i] + JSON.stringify(f)).join(','),
      prefixOfLine: (line, delimiter) => line.split(delimiter).map((f, i) => prefixNames[i] + JSON.stringify(f)).join(','),
      row: (prefix, values) => lines(oneRow(prefix, values)),
      lines,
    };
  }
  throw new Error(`no row encoder for ${format}`);
}
