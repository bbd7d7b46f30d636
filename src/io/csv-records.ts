/**
 * CSV records of a file with their line numbers, read one of two ways:
 *
 * - a file without a single `"` cannot hold quoted fields, embedded separators or
 *   multi-line fields, so its records are exactly its non-empty lines split on the
 *   delimiter: read that way, at several times csv-parse's speed, and re-readable in
 *   the same order later (the join's output pass), so nothing of it need stay in memory;
 * - any other file goes through csv-parse, which handles all of RFC 4180.
 *
 * Both ways yield the same records and line numbers for files the first can read (a
 * property test holds them to that).
 */
import { isUtf8 } from 'node:buffer';
import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { CsvError, parse } from 'csv-parse';
import { SpellbookError, badInput } from '../errors.js';
import { inputName, readablePath } from './stdin.js';

export interface CsvRecord {
  readonly fields: string[];
  /** 1-based line where the record starts. */
  readonly line: number;
}

export interface CsvFile {
  /** The file as messages name it (`stdin` for `-`). */
  readonly file: string;
  /** Where its bytes are read: the file itself, or a spooled copy of a pipe (see stdin.ts). */
  readonly path: string;
  readonly delimiter: string;
  /** True when records can be read again cheaply, in the same order (no quotes in the file). */
  readonly plain: boolean;
  /** Size and modification time when first read, to notice a file changed between two reads. */
  readonly signature: string;
}

const QUOTE = 0x22;
// 64 KiB, not more: larger read chunks cost ~120 MB of peak RSS on a 1M-row file (allocator
// churn), for no measurable speed.
const CHUNK = 1 << 16;

/**
 * The file's bytes, a MiB at a time into one buffer the caller reads before asking for
 * the next (each chunk is a view of it): for a pass that only looks at the bytes. A read
 * stream of 64 KiB chunks made a pass over a 28 MB labels file ~450 round trips to the
 * thread pool, about 0.5 s in which the join's main thread waited, twice before reading
 * a label (the header's and the labels' openCsv).
 */
async function* byteChunks(path: string): AsyncGenerator<Buffer> {
  const handle = await open(path, 'r');
  try {
    const buffer = Buffer.allocUnsafe(1 << 20);
    for (;;) {
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, null);
      if (bytesRead === 0) return;
      yield buffer.subarray(0, bytesRead);
    }
  } finally {
    await handle.close();
  }
}

async function signatureOf(file: string): Promise<string> {
  const s = await stat(file);
  return `${s.size}:${s.mtimeMs}`;
}

/** Opens a CSV file for reading: decides which reader it needs. */
export async function openCsv(given: string, delimiter = ','): Promise<CsvFile> {
  const file = inputName(given);
  const path = await readablePath(given);
  let signature: string;
  try {
    signature = await signatureOf(path);
  } catch {
    throw new SpellbookError('BAD_INPUT', `file not found: ${file}`);
  }
  let plain = true;
  for await (const chunk of byteChunks(path)) {
    if (chunk.includes(QUOTE)) {
      plain = false;
      break;
    }
  }
  return { file, path, delimiter, plain, signature };
}

/** Where the first byte that cannot start or continue a UTF-8 sequence is in `bytes` (a prefix stays valid as it shrinks). */
function firstInvalidUtf8(bytes: Buffer): number {
  let lo = 0;
  let hi = bytes.length;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    try {
      new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(0, mid), { stream: true });
      lo = mid;
    } catch {
      hi = mid - 1;
    }
  }
  return lo;
}

async function lineAt(file: string, offset: number): Promise<number> {
  let line = 1;
  if (offset === 0) return line;
  for await (const chunk of createReadStream(file, { end: offset - 1 }) as AsyncIterable<Buffer>) {
    for (let i = chunk.indexOf(0x0a); i >= 0; i = chunk.indexOf(0x0a, i + 1)) line++;
  }
  return line;
}

/**
 * The file's text, decoded strictly: bytes that are not UTF-8 are a bad input naming
 * their line, not U+FFFD silently put in a key or carried into the output. A leading BOM
 * is dropped, as a TextDecoder drops it. `file` names the file in messages (default: `path`).
 *
 * Each chunk is checked (isUtf8) and then decoded as the valid UTF-8 it is: a quarter of
 * the time of a strict TextDecoder, which was a tenth of reading a million labels. A
 * character cut by the chunk's end waits for the next chunk.
 */
export async function* utf8Text(path: string, file = path): AsyncGenerator<string> {
  let offset = 0; // of `carried`'s first byte
  let carried: Buffer | undefined;
  let first = true;
  for await (const chunk of createReadStream(path, { highWaterMark: CHUNK }) as AsyncIterable<Buffer>) {
    const bytes = carried === undefined ? chunk : Buffer.concat([carried, chunk]);
    const whole = wholeCharacters(bytes);
    const head = bytes.subarray(0, whole);
    if (!isUtf8(head)) {
      const at = offset + firstInvalidUtf8(head);
      throw badInput({ file, line: await lineAt(path, at), message: `invalid UTF-8 near byte ${at}: save the file as UTF-8` });
    }
    carried = whole < bytes.length ? Buffer.from(bytes.subarray(whole)) : undefined;
    offset += whole;
    let text = head.toString('utf8');
    if (first && text !== '') {
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      first = false;
    }
    if (text !== '') yield text;
  }
  if (carried !== undefined) throw badInput({ file, line: await lineAt(path, offset + carried.length), message: 'invalid UTF-8: the file ends inside a character' });
}

/**
 * The length of the start of `bytes` that ends with a whole character: all of it, unless
 * its last bytes begin a character of more bytes than are left. Bytes that can begin no
 * character are left in, for the check to find.
 */
function wholeCharacters(bytes: Buffer): number {
  const n = bytes.length;
  for (let back = 1; back <= Math.min(3, n); back++) {
    const b = bytes[n - back]!;
    if ((b & 0xc0) === 0x80) continue; // a continuation byte: its lead is further back
    const size = b < 0xc0 ? 1 : b < 0xe0 ? 2 : b < 0xf0 ? 3 : b < 0xf8 ? 4 : 1;
    return size > back ? n - back : n;
  }
  return n;
}

/** Every record of the file, the header first; empty lines are skipped, a UTF-8 BOM is dropped. */
export async function* csvRecords(csv: CsvFile): AsyncGenerator<CsvRecord> {
  for await (const batch of csvBatches(csv)) yield* batch;
}

/**
 * The same records a batch at a time (one per read chunk): a million records then cost a
 * few hundred steps of the async iteration rather than a million (their promises were a
 * tenth of a join's time).
 */
export async function* csvBatches(csv: CsvFile): AsyncGenerator<CsvRecord[]> {
  if (csv.plain) yield* plainBatches(csv);
  else yield* inBatches(parsedRecords(csv));
}

/** Reads the records again for a second pass, a batch at a time; fails if the file changed in between. */
export async function* rereadCsv(csv: CsvFile): AsyncGenerator<CsvRecord[]> {
  await checkUnchanged(csv);
  yield* csvBatches(csv);
}

/** Fails if the file changed since it was opened (before a second read of it). */
export async function checkUnchanged(csv: CsvFile): Promise<void> {
  if ((await signatureOf(csv.path).catch(() => '')) !== csv.signature) {
    throw new SpellbookError('BAD_INPUT', `${csv.file} changed while it was being read; run again`);
  }
}

/**
 * A read chunk's lines of a plain file, without a string or an array per line: line i is
 * `text.slice(starts[i], ends[i])` (its line break and a `\r` before it cut), number
 * `lines[i]` in the file. Empty lines are left out, as they are of the records.
 */
export interface PlainLines {
  readonly text: string;
  readonly count: number;
  /** Each holds at least `count` entries (more: the rest is stale). */
  readonly starts: Int32Array;
  readonly ends: Int32Array;
  readonly lines: Int32Array;
}

/**
 * A plain file's lines a chunk at a time (what plainBatches splits into records, and the
 * labels' fast path reads in place). The arrays are reused: a chunk's lines are valid
 * until the next is asked for.
 */
export async function* plainLines(csv: CsvFile): AsyncGenerator<PlainLines> {
  let rest = '';
  let line = 0;
  let starts = new Int32Array(4096);
  let ends = new Int32Array(4096);
  let lines = new Int32Array(4096);
  for await (const chunk of utf8Text(csv.path, csv.file)) {
    const text = rest + chunk;
    let count = 0;
    let start = 0;
    for (let end = text.indexOf('\n'); end >= 0; end = text.indexOf('\n', start)) {
      line++;
      const stop = text.charCodeAt(end - 1) === 13 && end > start ? end - 1 : end;
      if (stop > start) {
        if (count === starts.length) [starts, ends, lines] = [grown(starts), grown(ends), grown(lines)];
        starts[count] = start;
        ends[count] = stop;
        lines[count++] = line;
      }
      start = end + 1;
    }
    rest = text.slice(start);
    if (count > 0) yield { text, count, starts, ends, lines };
  }
  if (rest !== '') {
    const stop = rest.endsWith('\r') ? rest.length - 1 : rest.length;
    if (stop > 0) yield { text: rest, count: 1, starts: Int32Array.of(0), ends: Int32Array.of(stop), lines: Int32Array.of(line + 1) };
  }
}

function grown(a: Int32Array<ArrayBuffer>): Int32Array<ArrayBuffer> {
  const b = new Int32Array(a.length * 2);
  b.set(a);
  return b;
}

async function* plainBatches(csv: CsvFile): AsyncGenerator<CsvRecord[]> {
  for await (const { text, count, starts, ends, lines } of plainLines(csv)) {
    const batch: CsvRecord[] = new Array(count);
    for (let i = 0; i < count; i++) batch[i] = { fields: text.slice(starts[i], ends[i]).split(csv.delimiter), line: lines[i]! };
    yield batch;
  }
}

const BATCH = 1024;

async function* inBatches<T>(items: AsyncIterable<T>): AsyncGenerator<T[]> {
  let batch: T[] = [];
  for await (const item of items) if (batch.push(item) >= BATCH) {
    yield batch;
    batch = [];
  }
  if (batch.length > 0) yield batch;
}

async function* parsedRecords(csv: CsvFile): AsyncGenerator<CsvRecord> {
  const parser = parse({ bom: true, skip_empty_lines: true, info: true, raw: true, delimiter: csv.delimiter, relax_column_count: true });
  // pipe() does not forward a source's error; without this a bad byte would leave the parser waiting forever.
  const source = Readable.from(utf8Text(csv.path, csv.file)).on('error', (err) => parser.destroy(err));
  source.pipe(parser);
  try {
    for await (const { record, info, raw } of parser as AsyncIterable<{ record: string[]; info: { lines: number }; raw: string }>) {
      // info.lines is the line where the record ends (a quoted field may span lines);
      // raw also carries the blank lines skipped before it and the line break after it.
      const inner = raw.replace(/^[\r\n]+/, '').replace(/[\r\n]+$/, '');
      const line = info.lines - (inner.match(/\n/g)?.length ?? 0);
      yield { fields: record, line };
    }
  } catch (err) {
    throw csvParseError(err, csv.file, 0);
  }
}

/**
 * A csv-parse error as bad input at its line (`FILE:LINE: message`); anything else as it
 * is. Every csv-parse error, not only the CSV_* codes: INVALID_OPENING_QUOTE has no prefix.
 */
export function csvParseError(err: unknown, file: string, fallbackLine: number): unknown {
  if (err instanceof SpellbookError || !(err instanceof CsvError)) return err;
  const e = err as CsvError & { lines?: number };
  return badInput({ file, line: e.lines ?? fallbackLine, message: e.message.replace(/ on line \d+$/, '') });
}

/** The error for a CSV file with not even a header line. */
export function emptyFile(file: string): SpellbookError {
  return badInput({ file, line: 1, message: 'the file is empty: expected a header row' });
}

/**
 * Lines after the header, counting no further than `limit + 1`: enough to compare a file
 * with a threshold without reading all of a large one.
 */
export async function countRecordsUpTo(file: string, limit: number): Promise<number> {
  let lines = 0;
  let last = 0x0a;
  for await (const chunk of byteChunks(await readablePath(file))) {
    for (let i = chunk.indexOf(0x0a); i >= 0; i = chunk.indexOf(0x0a, i + 1)) lines++;
    last = chunk[chunk.length - 1] ?? last;
    if (lines > limit + 1) break;
  }
  if (last !== 0x0a) lines++; // a last line without a line break
  return Math.max(0, lines - 1);
}
