/**
 * Streams the records of an import file. Read twice by `importFile` (check everything,
 * then write), so memory stays flat for any file size.
 */
import { createReadStream } from 'node:fs';
import { access } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { parse } from 'csv-parse';
import { SpellbookError } from '../errors.js';
import { csvParseError, utf8Text } from '../io/csv-records.js';

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

/**
 * Every record of the file, header first, as arrays of fields. Line numbers are not
 * tracked here: csv-parse's `info` nearly doubles the cost of a pass, and a line is only
 * needed for an error, which `lineOfRecord` finds by reading again. CSV syntax errors
 * become `FILE:LINE: message`.
 */
export async function* readRecords(file: string, delimiter: string): AsyncGenerator<string[]> {
  await assertReadable(file);
  // Decoded strictly, so bytes that are not UTF-8 stop the import instead of being written as U+FFFD.
  const parser = parse({ bom: true, delimiter, skip_empty_lines: true });
  Readable.from(utf8Text(file)).on('error', (err) => parser.destroy(err)).pipe(parser);
  try {
    for await (const record of parser as AsyncIterable<string[]>) yield record;
  } catch (err) {
    throw csvParseError(err, file, 1);
  } finally {
    parser.destroy();
  }
}

/** The 1-based line record `index` (0 = the header) starts on, counting blank lines and line breaks inside quoted fields. */
export async function lineOfRecord(file: string, delimiter: string, index: number): Promise<number> {
  const parser = createReadStream(file).pipe(parse({ bom: true, delimiter, skip_empty_lines: true, info: true, to: index + 1 }));
  // info.lines is the line a record ends on; the next starts after it and any blank lines skipped.
  let lastEnd = 0;
  let lastEmpty = 0;
  let line = 1;
  try {
    for await (const { info } of parser as AsyncIterable<{ info: Info }>) {
      line = lastEnd + 1 + (info.empty_lines - lastEmpty);
      lastEnd = info.lines;
      lastEmpty = info.empty_lines;
    }
  } finally {
    parser.destroy();
  }
  return line;
}
