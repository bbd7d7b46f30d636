/**
 * Reads a labels file for `join` (SPEC §3): every row's time parsed to an instant and
 * its key(s) for every entity involved, kept in typed arrays. A row's input columns are
 * not kept when the file can be re-read in order (no quotes in it): the output pass reads
 * them again. Only files with quoted fields keep each row's encoded columns in memory.
 * Join memory grows with the labels only, and as little as it can.
 */
import { badInput } from '../errors.js';
import type { Entity } from '../metadata/types.js';
import { KeyDictionary } from '../core/key-dictionary.js';
import { normaliseKeyValue, type KeyValue } from '../core/keys.js';
import { parseEpoch, parseInstant, type EpochUnit } from '../time/instant.js';
import { csvRecords, openCsv, rereadCsv, type CsvFile } from './csv-records.js';
import { growableFloat64, growableInt32, type Growable } from '../util/growable.js';

export interface LabelsOptions<P> {
  readonly file: string;
  readonly timestampColumn: string;
  readonly timestampUnit?: EpochUnit;
  /** The entities whose keys the labels must carry, each with the label columns holding its key. */
  readonly entities: readonly { entity: Entity; columns: readonly string[] }[];
  /** Encodes a row's input fields for output; used now only when the file cannot be re-read. */
  readonly encodePrefix: (fields: readonly string[]) => P;
  readonly onRow?: () => void;
}

export interface EntityLabels {
  readonly entity: Entity;
  readonly dictionary: KeyDictionary;
  /** Key number of each label row. */
  readonly keyOfLabel: Int32Array;
}

export interface Labels<P> {
  readonly header: readonly string[];
  readonly count: number;
  readonly times: Float64Array;
  readonly entities: ReadonlyMap<string, EntityLabels>;
  /** Each row's encoded input columns, in order (read again from the file when it allows). */
  prefixes(): AsyncIterable<P>;
}

/** A field as quoted in a message: a runaway field (a missing quote, a binary file) must not flood the terminal. */
function shown(value: string): string {
  const MAX = 60;
  return value.length <= MAX ? JSON.stringify(value) : `${JSON.stringify(value.slice(0, MAX))}… (${value.length} characters)`;
}

const TIMESTAMP_HINT = 'expected ISO 8601 like 2024-03-01 or 2024-03-01T12:00:00Z';

/** Reads only the header, to know the input columns before anything else is planned. */
export async function readLabelsHeader(file: string): Promise<string[]> {
  const csv = await openCsv(file);
  for await (const record of csvRecords(csv)) return record.fields;
  throw badInput({ file, line: 1, message: 'the file is empty: expected a header row' });
}

export async function readLabels<P>(options: LabelsOptions<P>): Promise<Labels<P>> {
  const { file } = options;
  const csv = await openCsv(file);
  const retained: P[] | undefined = csv.plain ? undefined : [];
  let header: string[] | undefined;
  let timeIndex = -1;
  let keyColumns: ReturnType<typeof resolveColumns>['keyColumns'] = [];
  const times = growableFloat64();
  const parseTime = options.timestampUnit ? (s: string) => parseEpoch(s, options.timestampUnit!) : parseInstant;

  for await (const { fields, line } of csvRecords(csv)) {
    if (header === undefined) {
      header = fields;
      ({ timeIndex, keyColumns } = resolveColumns(header, options));
      continue;
    }
    if (fields.length !== header.length) {
      throw badInput({ file, line, message: `expected ${header.length} fields as in the header, got ${fields.length}` });
    }
    const stamp = fields[timeIndex]!;
    const t = parseTime(stamp);
    if (t === undefined) {
      const hint = options.timestampUnit ? `expected an integer epoch in ${options.timestampUnit}` : TIMESTAMP_HINT;
      throw badInput({ file, line, message: `${options.timestampColumn}: ${shown(stamp)} is not a timestamp (${hint})` });
    }
    for (const kc of keyColumns) kc.keys.push(kc.dictionary.add(readKey(kc, fields, file, line)));
    times.push(t);
    retained?.push(options.encodePrefix(fields));
    options.onRow?.();
  }
  if (header === undefined) throw badInput({ file, line: 1, message: 'the file is empty: expected a header row' });

  const entities = new Map<string, EntityLabels>();
  options.entities.forEach(({ entity }, i) => {
    const kc = keyColumns[i]!;
    entities.set(entity.name, { entity, dictionary: kc.dictionary, keyOfLabel: kc.keys.toArray() });
  });
  const count = times.length;
  return {
    header,
    count,
    times: times.toArray(),
    entities,
    prefixes: retained ? () => fromArray(retained) : () => reread(csv, count, options.encodePrefix),
  };
}

async function* fromArray<P>(items: readonly P[]): AsyncGenerator<P> {
  yield* items;
}

async function* reread<P>(csv: CsvFile, count: number, encode: (fields: readonly string[]) => P): AsyncGenerator<P> {
  let n = -1; // the header is record -1
  for await (const { fields } of rereadCsv(csv)) {
    if (n >= 0) yield encode(fields);
    n++;
  }
  if (n !== count) throw badInput({ file: csv.file, line: 0, message: 'the file changed while it was being read; run again' });
}

interface KeyColumns {
  readonly index: number[];
  readonly name: string[];
  readonly types: Entity['keyTypes'];
  readonly dictionary: KeyDictionary;
  readonly keys: Growable<Int32Array>;
}

function readKey(kc: KeyColumns, fields: readonly string[], file: string, line: number): KeyValue[] {
  const key: KeyValue[] = [];
  for (let j = 0; j < kc.index.length; j++) {
    const text = fields[kc.index[j]!]!;
    if (text.trim() === '') throw badInput({ file, line, message: `${kc.name[j]}: missing key value` });
    const v = normaliseKeyValue(text, kc.types[j]!);
    if (v === undefined) throw badInput({ file, line, message: `${kc.name[j]}: ${shown(text)} is not an int` });
    key.push(v);
  }
  return key;
}

function resolveColumns<P>(header: string[], options: LabelsOptions<P>): { timeIndex: number; keyColumns: KeyColumns[] } {
  const { file } = options;
  const seen = new Set<string>();
  for (const name of header) {
    if (seen.has(name)) throw badInput({ file, line: 1, message: `duplicate column "${name}" in the header` });
    seen.add(name);
  }
  const timeIndex = header.indexOf(options.timestampColumn);
  if (timeIndex < 0) {
    throw badInput({ file, line: 1, message: `missing timestamp column "${options.timestampColumn}" (name it with --timestamp-column)` });
  }
  const keyColumns = options.entities.map(({ entity, columns }) => ({
    name: [...columns],
    types: entity.keyTypes,
    dictionary: new KeyDictionary(columns.length),
    keys: growableInt32(),
    index: columns.map((c) => {
      const i = header.indexOf(c);
      if (i < 0) {
        throw badInput({
          file,
          line: 1,
          message: `missing column "${c}", the key of entity ${entity.name} (map another column with --entity-column ${entity.name}=COLUMN)`,
        });
      }
      return i;
    }),
  }));
  return { timeIndex, keyColumns };
}
