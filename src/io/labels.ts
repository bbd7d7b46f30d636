/**
 * Labels for `join` (SPEC §3, §8). A labels *source* (a CSV file, a Parquet file, or a
 * query on the features' database) is opened as a LabelReader: a header, then rows of
 * text fields, each with where it is for messages, that can be read again in the same
 * order (a re-read of the file, a replay of the query). `readLabels` turns any reader into
 * what the join needs: every row's time as an instant and its key(s) for every entity
 * involved, in typed arrays. A row's fields are not kept when the source can be read again
 * (the join's output pass reads them once more); only a source that cannot (a CSV file
 * with quoted fields) keeps each row's encoded fields in memory. Join memory grows with
 * the labels only, and as little as it can.
 */
import type { ColumnInfo, CompiledQuery, Database } from '../db/dialect.js';
import { SpellbookError, badInput } from '../errors.js';
import { queryLabelReader } from './label-query.js';
import { openParquetLabels } from './parquet-labels.js';
import type { Entity } from '../metadata/types.js';
import { KeyDictionary } from '../core/key-dictionary.js';
import { normaliseKeyValue, type KeyValue } from '../core/keys.js';
import { epochExample, guessEpochUnit, parseEpoch, parseFixedTimeAt, parseInstant, type EpochUnit } from '../time/instant.js';
import { checkUnchanged, csvBatches, csvRecords, emptyFile, openCsv, plainLines, rereadCsv, type CsvFile, type CsvRecord, type PlainLines } from './csv-records.js';
import { growableFloat64, growableInt32, type Growable } from '../util/growable.js';

/**
 * Where a join's label rows come from: plain data, so a plan can carry it and --dry-run
 * print it. A query source carries its result's columns (asked of the database when the
 * join is planned) and the ordered statement the merge reads it with.
 */
export type LabelSource = { readonly kind: 'csv' | 'parquet'; readonly file: string; readonly delimiter?: string } | QueryLabelSource;

export interface QueryLabelSource {
  readonly kind: 'query';
  /** The user's SELECT, as given. */
  readonly sql: string;
  /** Its result's columns, as the database describes them. */
  readonly columns: readonly ColumnInfo[];
  /** Every entity's key columns among them, in plan order: rows that share a time and these are ordered in Node. */
  readonly keyColumns: readonly string[];
  /** Where the statements' rows leave the label time out (label-queries.ts labelRowLayout): the column whose field it is read from. */
  readonly timeField?: string;
  /** The statement the merge reads the labels with (sql/label-queries.ts). */
  readonly statement: CompiledQuery;
}

/** Opens a source for reading; a query source reads through the join's own read-only database. */
export function openLabels(source: LabelSource, db: Database): Promise<LabelReader> {
  if (source.kind === 'query') return Promise.resolve(queryLabelReader(db, source));
  if (source.kind === 'parquet') return openParquetLabels(source.file);
  return openCsvLabels(source.file, source.delimiter);
}

/** One label row as its source gives it. */
export interface LabelRecord {
  /** The row's columns as text, in header order (a query's values rendered as spellbook writes them). */
  readonly fields: readonly string[];
  /** Where the row is, for messages: `labels.csv:12`, `--input-query row 3`. */
  readonly where: string;
  /** The file and line of a labels file's row, kept on errors as data (absent for a query's rows). */
  readonly file?: string;
  readonly line?: number;
  /**
   * The row's time when the source computed it (a query: the database's reading of the
   * timestamp column); null when that was NULL. Absent: parsed from the field.
   */
  readonly time?: number | null;
}

/** A labels source opened for reading. */
export interface LabelReader {
  /** The source as messages name it: the file, or `--input-query`. */
  readonly name: string;
  readonly header: readonly string[];
  /** Every row in the source's order; each call reads them again (only call twice when `replayable`). */
  records(): AsyncIterable<LabelRecord>;
  /** The same rows a batch at a time, where the source reads them so (cheaper per row than `records`). */
  batches?(): AsyncIterable<readonly LabelRecord[]>;
  /** Whether a second `records()` is cheap and yields the same rows; otherwise readLabels keeps them. */
  readonly replayable: boolean;
  /**
   * A CSV file without quotes: its lines read in place, the header's first (each call reads
   * them again, in the same order). A line's fields are it split on `delimiter`; the
   * records are the same rows.
   */
  readonly plain?: { readonly file: string; readonly delimiter: string; lines(): AsyncIterable<PlainLines> };
}

export interface LabelsOptions<P> {
  readonly timestampColumn: string;
  readonly timestampUnit?: EpochUnit;
  /** The entities whose keys the labels must carry, each with the label columns holding its key. */
  readonly entities: readonly { entity: Entity; columns: readonly string[] }[];
  /** Encodes a row's input fields for output; used now only when the source cannot be read again. */
  readonly encodePrefix: (fields: readonly string[]) => P;
  /**
   * The same for a plain CSV file's line (see LabelReader.plain), without splitting it when
   * the encoding allows (a CSV output's prefix is often the line itself).
   */
  readonly encodeLine?: (line: string, delimiter: string) => P;
  readonly onRow?: () => void;
}

export interface EntityLabels {
  readonly entity: Entity;
  readonly dictionary: KeyDictionary;
  /** Key number of each label row (shared memory, as `times`). */
  readonly keyOfLabel: Int32Array;
}

export interface Labels<P> {
  readonly header: readonly string[];
  readonly count: number;
  /**
   * Each label's time. On a SharedArrayBuffer, as the key numbers are: the partitioned merge's worker thread reads both where they are (120 MB at 10M labels).
   */
  readonly times: Float64Array;
  readonly entities: ReadonlyMap<string, EntityLabels>;
  /** Each row's encoded input columns, in order (read again from the source when it allows). */
  prefixes(): AsyncIterable<P>;
  /** The same, a batch at a time. */
  prefixBatches(): AsyncIterable<readonly P[]>;
}

/** A field as quoted in a message: a runaway field (a missing quote, a binary file) must not flood the terminal. */
function shown(value: string): string {
  const MAX = 60;
  return value.length <= MAX ? JSON.stringify(value) : `${JSON.stringify(value.slice(0, MAX))}… (${value.length} characters)`;
}

/**
 * A header read as one column that holds `;`, a tab or `|`: the file is separated by it,
 * not by commas. The hint names the flag that reads it so.
 */
function separatorHint(header: readonly string[]): string | undefined {
  const separator = header.length === 1 ? [';', '\t', '|'].find((c) => header[0]!.includes(c)) : undefined;
  if (separator === undefined) return undefined;
  return `the header is one column holding ${JSON.stringify(separator)}: the file looks ${separator === '\t' ? 'tab' : separator}-separated, pass --delimiter ${separator === '\t' ? 'tab' : `'${separator}'`}`;
}

/** What a label's time should look like; for an integer that reads as an epoch, the flag that reads it so. */
function timestampHint(stamp: string): string {
  const unit = guessEpochUnit(stamp);
  const iso = 'expected ISO 8601 like 2024-03-01 or 2024-03-01T12:00:00Z';
  return unit === undefined ? iso : `${iso}; it looks like an epoch in ${unit === 's' ? 'seconds' : 'milliseconds'}: pass --timestamp-unit ${unit}`;
}

/** Opens a labels CSV file: its header is read at once, the rows when asked for. */
export async function openCsvLabels(file: string, delimiter = ','): Promise<LabelReader> {
  const csv = await openCsv(file, delimiter);
  let header: string[] | undefined;
  for await (const record of csvRecords(csv)) {
    header = record.fields;
    break;
  }
  if (header === undefined) throw emptyFile(csv.file);
  const width = header.length;
  let reads = 0;
  const batches = () => csvLabelBatches(csv, width, reads++ === 0 ? csvBatches(csv) : rereadCsv(csv));
  async function* lines(): AsyncGenerator<PlainLines> {
    if (reads++ > 0) await checkUnchanged(csv);
    yield* plainLines(csv);
  }
  return {
    name: csv.file,
    header,
    replayable: csv.plain,
    plain: csv.plain ? { file: csv.file, delimiter: csv.delimiter, lines } : undefined,
    batches,
    async *records() {
      for await (const batch of batches()) yield* batch;
    },
  };
}

/** A labels file's row; its place is put into words only for a message. */
class CsvLabelRecord implements LabelRecord {
  constructor(
    readonly fields: string[],
    readonly file: string,
    readonly line: number,
  ) {}

  get where(): string {
    return `${this.file}:${this.line}`;
  }
}

async function* csvLabelBatches(csv: CsvFile, width: number, batches: AsyncIterable<CsvRecord[]>): AsyncGenerator<LabelRecord[]> {
  let first = true;
  for await (const batch of batches) {
    const out: LabelRecord[] = [];
    for (const { fields, line } of batch) {
      if (first) {
        first = false; // the header
        continue;
      }
      if (fields.length !== width) {
        if (out.length > 0) yield out; // the rows before it are read as they were one by one
        throw widthError(csv.file, line, width, fields.length);
      }
      out.push(new CsvLabelRecord(fields, csv.file, line));
    }
    if (out.length > 0) yield out;
  }
}

function widthError(file: string, line: number, width: number, got: number): SpellbookError {
  return badInput({ file, line, message: `expected ${width} fields as in the header, got ${got}` });
}

/** The number `text.slice(from, to)` writes in 1 to 15 plain digits (exact as a double), else NaN. */
function plainDigits(text: string, from: number, to: number): number {
  const n = to - from;
  if (n < 1 || n > 15) return NaN;
  let v = 0;
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return NaN;
    v = v * 10 + c;
  }
  return v;
}

/** A reader's rows a batch at a time, whether or not it reads them so. */
async function* batchesOf(reader: LabelReader): AsyncGenerator<readonly LabelRecord[]> {
  if (reader.batches) {
    yield* reader.batches();
    return;
  }
  for await (const record of reader.records()) yield [record];
}

/** Reads only the header, to know the input columns before anything else is planned. */
export async function readLabelsHeader(file: string, format: 'csv' | 'parquet' = 'csv', delimiter = ','): Promise<string[]> {
  return [...(await (format === 'parquet' ? openParquetLabels(file) : openCsvLabels(file, delimiter))).header];
}

/** A labels file's format, from its name as output formats are: `.parquet`, else CSV. */
export function labelsFormat(file: string): 'csv' | 'parquet' {
  return /\.parquet$/i.test(file) ? 'parquet' : 'csv';
}

/**
 * The label columns a join reads, found in a header: the timestamp column and each
 * entity's key columns. Checks each row's time and keys, with the same messages whatever
 * the source and whichever strategy runs.
 */
export class LabelColumns {
  readonly timeIndex: number;
  /** Per entity, the header index of each of its key columns. */
  readonly keyIndexes: readonly (readonly number[])[];
  private readonly parseTime: (text: string) => number | undefined;
  /** Where each field of the line plainLine reads starts (and, one past its end, the next). */
  private readonly bounds: Int32Array;
  /** Whether every entity's key is one int column (plainLine reads no other). */
  private readonly intKeys: boolean;

  constructor(
    source: string,
    header: readonly string[],
    private readonly options: Pick<LabelsOptions<unknown>, 'timestampColumn' | 'timestampUnit' | 'entities'>,
  ) {
    const problem = (message: string) => new SpellbookError('BAD_INPUT', `${source === '--input-query' ? source : `${source}:1`}: ${message}`);
    const seen = new Set<string>();
    for (const name of header) {
      if (seen.has(name)) throw problem(`duplicate column "${name}" in the header`);
      seen.add(name);
    }
    this.timeIndex = header.indexOf(options.timestampColumn);
    if (this.timeIndex < 0) throw problem(`missing timestamp column "${options.timestampColumn}" (${separatorHint(header) ?? 'name it with --timestamp-column'})`);
    this.keyIndexes = options.entities.map(({ entity, columns }) =>
      columns.map((c) => {
        const i = header.indexOf(c);
        if (i < 0) throw problem(`missing column "${c}", the key of entity ${entity.name} (map another column with --entity-column ${entity.name}=COLUMN)`);
        return i;
      }),
    );
    const unit = options.timestampUnit;
    this.parseTime = unit ? (s) => parseEpoch(s, unit) : parseInstant;
    this.bounds = new Int32Array(header.length + 1);
    this.intKeys = options.entities.every(({ entity }, e) => this.keyIndexes[e]!.length === 1 && entity.keyTypes[0] === 'int');
  }

  /**
   * A plain CSV line (`text.slice(start, end)`, fields split by the character `separator`)
   * read in place, with no string or array made for it: its time, its keys' numbers put
   * in `keyNumbers`. Reads only the common shape — as many fields as the header, a time
   * parseFixedTimeAt reads (or an epoch of up to 15 digits), keys of one int column in
   * plain digits — and returns NaN for anything else, having added no key: the caller
   * then reads the line as a record, with every rule and message.
   */
  plainLine(text: string, start: number, end: number, separator: number, dictionaries: readonly KeyDictionary[], keyNumbers: Int32Array): number {
    if (!this.intKeys) return NaN;
    const bounds = this.bounds;
    const width = bounds.length - 1;
    let f = 0;
    bounds[0] = start;
    for (let i = start; i < end; i++) {
      if (text.charCodeAt(i) === separator) {
        if (++f === width) return NaN;
        bounds[f] = i + 1;
      }
    }
    if (f !== width - 1) return NaN;
    bounds[width] = end + 1;
    const ti = this.timeIndex;
    const unit = this.options.timestampUnit;
    const t = unit === undefined ? parseFixedTimeAt(text, bounds[ti]!, bounds[ti + 1]! - 1) : plainDigits(text, bounds[ti]!, bounds[ti + 1]! - 1) * (unit === 's' ? 1000 : 1);
    if (t !== t) return NaN;
    // Every key is checked before any is added; a key is read twice rather than kept
    // between (held in an array, dictionary look-ups of it were several times slower).
    const indexes = this.keyIndexes;
    for (let e = 0; e < indexes.length; e++) {
      const k = indexes[e]![0]!;
      if (Number.isNaN(plainDigits(text, bounds[k]!, bounds[k + 1]! - 1))) return NaN;
    }
    for (let e = 0; e < indexes.length; e++) {
      const k = indexes[e]![0]!;
      const v = plainDigits(text, bounds[k]!, bounds[k + 1]! - 1);
      // As a small integer where it is one: the dictionary's Map then hashes no heap number.
      keyNumbers[e] = dictionaries[e]!.addValue(v <= 0x3fffffff ? v | 0 : v);
    }
    return t;
  }

  /** The row's time as an instant; a bad input naming the row when there is none. */
  time(record: LabelRecord): number {
    const stamp = record.fields[this.timeIndex]!;
    const column = this.options.timestampColumn;
    if (record.time !== undefined) {
      if (record.time !== null) return record.time;
      throw this.bad(record, stamp === '' ? `${column} is NULL` : `${column}: ${shown(stamp)} is not a timestamp the database can read`, column, stamp);
    }
    const t = this.parseTime(stamp);
    if (t !== undefined) return t;
    const hint = this.options.timestampUnit ? `expected ${epochExample(this.options.timestampUnit)}` : timestampHint(stamp);
    throw this.bad(record, `${column}: ${shown(stamp)} is not a timestamp (${hint})`, column, stamp);
  }

  /**
   * The number in `dictionary` of the key of entity number `e`, adding it if new. A key of
   * one int column written as plain digits (nearly every label) is read by its character
   * codes; anything else goes through `key`, which has every rule and message.
   */
  keyNumber(record: LabelRecord, e: number, dictionary: KeyDictionary): number {
    const indexes = this.keyIndexes[e]!;
    if (indexes.length === 1 && this.options.entities[e]!.entity.keyTypes[0] === 'int') {
      const text = record.fields[indexes[0]!]!;
      const n = text.length;
      if (n > 0 && n < 16) {
        let v = 0;
        for (let i = 0; i < n; i++) {
          const c = text.charCodeAt(i) - 48;
          if (c < 0 || c > 9) {
            v = -1;
            break;
          }
          v = v * 10 + c;
        }
        if (v >= 0) return dictionary.addValue(v);
      }
    }
    return dictionary.add(this.key(record, e));
  }

  /**
   * Throws as `key` does when the key of entity number `e` is missing or not of its type;
   * a key of one int column written as plain digits, as keyNumber reads it, passes
   * without the key being built (a database join checks every row's key it never looks up).
   */
  checkKey(record: LabelRecord, e: number): void {
    const indexes = this.keyIndexes[e]!;
    if (indexes.length === 1 && this.options.entities[e]!.entity.keyTypes[0] === 'int') {
      const text = record.fields[indexes[0]!]!;
      if (!Number.isNaN(plainDigits(text, 0, text.length))) return;
    }
    this.key(record, e);
  }

  /** The key of entity number `e` (see LabelsOptions.entities). */
  key(record: LabelRecord, e: number): KeyValue[] {
    const { entity, columns } = this.options.entities[e]!;
    const indexes = this.keyIndexes[e]!;
    const key: KeyValue[] = [];
    for (let j = 0; j < indexes.length; j++) {
      const text = record.fields[indexes[j]!]!;
      if (text.trim() === '') throw this.bad(record, `${columns[j]}: missing key value`, columns[j], text);
      const v = normaliseKeyValue(text, entity.keyTypes[j]!);
      if (v === undefined) throw this.bad(record, `${columns[j]}: ${shown(text)} is not an int`, columns[j], text);
      key.push(v);
    }
    return key;
  }

  /** The row's problem: one line for a person, and its place (file, line, column, value) as data. */
  private bad(record: LabelRecord, message: string, column: string | undefined, value: string): SpellbookError {
    return new SpellbookError('BAD_INPUT', `${record.where}: ${message}`, { file: record.file, line: record.line, column, value });
  }
}

export async function readLabels<P>(reader: LabelReader, options: LabelsOptions<P>): Promise<Labels<P>> {
  const columns = new LabelColumns(reader.name, reader.header, options);
  const retained: P[] | undefined = reader.replayable ? undefined : [];
  const dictionaries = options.entities.map(({ columns: c }) => new KeyDictionary(c.length));
  const keys: Growable<Int32Array>[] = options.entities.map(() => growableInt32());
  const times = growableFloat64();

  const plain = retained === undefined ? reader.plain : undefined;
  if (plain !== undefined && plain.delimiter.length === 1) {
    // A plain CSV file's lines are read in place: a line of the common shape makes no
    // string, array or record (a million labels made three million of them, and their
    // collection); any other line is read as a record, as every other source's rows are.
    const separator = plain.delimiter.charCodeAt(0);
    const width = reader.header.length;
    const keyNumbers = new Int32Array(dictionaries.length);
    let header = true;
    for await (const { text, count, starts, ends, lines } of plain.lines()) {
      for (let i = 0; i < count; i++) {
        if (header) {
          header = false;
          continue;
        }
        let t = columns.plainLine(text, starts[i]!, ends[i]!, separator, dictionaries, keyNumbers);
        if (t !== t) {
          const fields = text.slice(starts[i], ends[i]).split(plain.delimiter);
          if (fields.length !== width) throw widthError(plain.file, lines[i]!, width, fields.length);
          const record = new CsvLabelRecord(fields, plain.file, lines[i]!);
          t = columns.time(record);
          for (let e = 0; e < dictionaries.length; e++) keyNumbers[e] = columns.keyNumber(record, e, dictionaries[e]!);
        }
        for (let e = 0; e < dictionaries.length; e++) keys[e]!.push(keyNumbers[e]!);
        times.push(t);
        options.onRow?.();
      }
    }
  } else {
    for await (const batch of batchesOf(reader)) {
      for (const record of batch) {
        const t = columns.time(record);
        for (let e = 0; e < dictionaries.length; e++) keys[e]!.push(columns.keyNumber(record, e, dictionaries[e]!));
        times.push(t);
        retained?.push(options.encodePrefix(record.fields));
        options.onRow?.();
      }
    }
  }

  // A loop, not a closure: a closure here would put `keys` in the context that
  // prefixBatches keeps alive for the whole join, and with it the growable arrays' spare
  // capacity (67 MB at 10M labels).
  const entities = new Map<string, EntityLabels>();
  for (let e = 0; e < options.entities.length; e++) {
    const { entity } = options.entities[e]!;
    dictionaries[e]!.doneAdding();
    entities.set(entity.name, { entity, dictionary: dictionaries[e]!, keyOfLabel: keys[e]!.toArray(true) });
  }
  const count = times.length;
  const encodeLine = options.encodeLine;
  const prefixBatches = retained
    ? () => fromArray(retained)
    : plain !== undefined && encodeLine !== undefined
      ? () => rereadLines(reader.name, plain, count, encodeLine)
      : () => reread(reader, count, options.encodePrefix);
  return {
    header: reader.header,
    count,
    times: times.toArray(true),
    entities,
    prefixBatches,
    async *prefixes() {
      for await (const batch of prefixBatches()) yield* batch;
    },
  };
}

async function* fromArray<P>(items: readonly P[]): AsyncGenerator<readonly P[]> {
  for (let i = 0; i < items.length; i += 4096) yield items.slice(i, i + 4096);
}

async function* reread<P>(reader: LabelReader, count: number, encode: (fields: readonly string[]) => P): AsyncGenerator<readonly P[]> {
  let n = 0;
  for await (const batch of batchesOf(reader)) {
    yield batch.map((record) => encode(record.fields));
    n += batch.length;
  }
  if (n !== count) throw new SpellbookError('BAD_INPUT', `${reader.name} changed while it was being read; run again`);
}

/** reread for a plain CSV file whose lines the caller encodes as they are. */
async function* rereadLines<P>(name: string, plain: NonNullable<LabelReader['plain']>, count: number, encode: (line: string, delimiter: string) => P): AsyncGenerator<readonly P[]> {
  let n = 0;
  let skip = 1; // the header
  for await (const { text, count: lines, starts, ends } of plain.lines()) {
    if (lines <= skip) {
      skip -= lines;
      continue;
    }
    const batch = new Array<P>(lines - skip);
    for (let i = skip; i < lines; i++) batch[i - skip] = encode(text.slice(starts[i], ends[i]), plain.delimiter);
    skip = 0;
    yield batch;
    n += batch.length;
  }
  if (n !== count) throw new SpellbookError('BAD_INPUT', `${name} changed while it was being read; run again`);
}
