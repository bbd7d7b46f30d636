/**
 * A labels Parquet file as a LabelReader (issue 10): users keep labels in Parquet too.
 * Read with hyparquet, the reader that pairs with the hyparquet-writer spellbook writes
 * Parquet with (a maintained, dependency-free reader of every encoding and compression
 * Parquet writers use — far beyond what a hand-written reader would cover). One row group
 * is held at a time; a second read reads the file again.
 *
 * Values become text the way spellbook writes values, so a Parquet file and a CSV file
 * holding the same labels give the same training set: a typed timestamp column as ISO
 * 8601 UTC, a DATE column as `YYYY-MM-DD`, numbers in their shortest form, booleans
 * `true`/`false`, NULL as an empty field. A timestamp column may be typed (TIMESTAMP,
 * DATE), ISO text, or integer epochs with --timestamp-unit, as in a CSV file.
 */
import { asyncBufferFromFile, parquetMetadataAsync, parquetReadObjects, parquetSchema } from 'hyparquet';
import { SpellbookError } from '../errors.js';
import type { LabelReader, LabelRecord } from './labels.js';

function unreadable(file: string, err: unknown): SpellbookError {
  const why = err instanceof Error ? err.message.split('\n')[0] : String(err);
  return new SpellbookError('BAD_INPUT', `${file}: not a Parquet file spellbook can read (${why})`, { cause: err });
}

function text(raw: unknown, isDate: boolean): string {
  if (raw === null || raw === undefined) return '';
  if (typeof raw === 'string') return raw;
  if (raw instanceof Date) {
    if (Number.isNaN(raw.getTime())) return '';
    return isDate ? raw.toISOString().slice(0, 10) : raw.toISOString();
  }
  if (typeof raw === 'number' || typeof raw === 'bigint') return String(raw);
  if (typeof raw === 'boolean') return raw ? 'true' : 'false';
  if (raw instanceof Uint8Array) return Buffer.from(raw).toString('utf8');
  return JSON.stringify(raw, (_, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
}

export async function openParquetLabels(file: string): Promise<LabelReader> {
  let buffer: Awaited<ReturnType<typeof asyncBufferFromFile>>;
  try {
    buffer = await asyncBufferFromFile(file);
  } catch {
    throw new SpellbookError('BAD_INPUT', `file not found: ${file}`);
  }
  let metadata: Awaited<ReturnType<typeof parquetMetadataAsync>>;
  try {
    metadata = await parquetMetadataAsync(buffer);
  } catch (err) {
    throw unreadable(file, err);
  }
  const columns = parquetSchema(metadata).children.map((c) => ({
    name: c.element.name,
    isDate: c.element.converted_type === 'DATE' || c.element.logical_type?.type === 'DATE',
  }));
  const header = columns.map((c) => c.name);
  if (header.length === 0) throw new SpellbookError('BAD_INPUT', `${file}: the file has no columns`);

  async function* records(): AsyncGenerator<LabelRecord> {
    let start = 0;
    for (const group of metadata.row_groups) {
      const end = start + Number(group.num_rows);
      let rows: Record<string, unknown>[];
      try {
        rows = await parquetReadObjects({ file: buffer, metadata, rowStart: start, rowEnd: end });
      } catch (err) {
        throw unreadable(file, err);
      }
      for (let i = 0; i < rows.length; i++) {
        const row = rows[i]!;
        yield { fields: columns.map((c) => text(row[c.name], c.isDate)), where: `${file} row ${start + i + 1}` };
      }
      start = end;
    }
  }
  return { name: file, header, replayable: true, records };
}

/** The number of rows the file says it holds (for `auto`, without reading them). */
export async function parquetRowCount(file: string): Promise<number> {
  return Number((await parquetMetadataAsync(await asyncBufferFromFile(file))).num_rows);
}
