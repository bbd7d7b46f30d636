/**
 * Streams the records of an import file with the line each starts on. Read twice by
 * `importFile` (check everything, then write), so memory stays flat for any file size.
 */
import { createReadStream } from 'node:fs';
import { access } from 'node:fs/promises';
import { parse } from 'csv-parse';
import { badInput, SpellbookError } from '../errors.js';

export interface FileRecord {
  readonly fields: string[];
  /** 1-based line the record starts on (the header is line 1 unless blank lines precede it). */
  readonly line: number;
}

export async function assertReadable(file: string): Promise<void> {
  try {
    await access(file);
  } catch {
    throw new SpellbookError('BAD_INPUT', `input file not found: ${file}`);
  }
}

interface Info {
  lines: number;
  empty_lines: number;
}

/** Every record of the file, header first; CSV syntax errors become `FILE:LINE: message`. */
export async function* readRecords(file: string, delimiter: string): AsyncGenerator<FileRecord> {
  await assertReadable(file);
  const parser = createReadStream(file).pipe(parse({ bom: true, delimiter, skip_empty_lines: true, info: true }));
  // info.lines is the line a record ends on; the next starts after it and any blank lines skipped.
  let lastEnd = 0;
  let lastEmpty = 0;
  try {
    for await (const { record, info } of parser as AsyncIterable<{ record: string[]; info: Info }>) {
      const line = lastEnd + 1 + (info.empty_lines - lastEmpty);
      lastEnd = info.lines;
      lastEmpty = info.empty_lines;
      yield { fields: record, line };
    }
  } catch (err) {
    if (err instanceof SpellbookError) throw err;
    const e = err as Error & { code?: string; lines?: number };
    if (e.code?.startsWith('CSV_')) throw badInput({ file, line: e.lines ?? lastEnd + 1, message: e.message.replace(/ on line \d+$/, '') });
    throw err;
  } finally {
    parser.destroy();
  }
}
