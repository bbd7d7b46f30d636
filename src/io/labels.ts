/**
 * Reads a labels file for `join` (SPEC §3): every row kept, in order, with its time
 * parsed to an instant and its key(s) for every entity involved. The file is streamed;
 * what is kept per row is its encoded input columns (one string), its time in a
 * Float64Array-ready list and a key number per entity: join memory grows with the labels
 * only, and as little as it can.
 */
import { createReadStream } from 'node:fs';
import { access } from 'node:fs/promises';
import { parse } from 'csv-parse';
import { SpellbookError, badInput } from '../errors.js';
import type { Entity } from '../metadata/types.js';
import { KeyDictionary } from '../pit/key-dictionary.js';
import { normaliseKeyValue, type KeyValue } from '../pit/keys.js';
import { parseEpoch, parseInstant, type EpochUnit } from '../time/instant.js';

export interface LabelsOptions {
  readonly file: string;
  readonly timestampColumn: string;
  readonly timestampUnit?: EpochUnit;
  /** The entities whose keys the labels must carry, each with the label columns holding its key. */
  readonly entities: readonly { entity: Entity; columns: readonly string[] }[];
  /** Encodes a row's input fields for output; called once per row. */
  readonly encodePrefix: (fields: readonly string[]) => string;
  readonly onRow?: () => void;
}

export interface EntityLabels {
  readonly entity: Entity;
  readonly dictionary: KeyDictionary;
  /** Key number of each label row. */
  readonly keyOfLabel: Int32Array;
}

export interface Labels {
  readonly header: readonly string[];
  readonly count: number;
  readonly times: Float64Array;
  readonly prefixes: readonly string[];
  readonly entities: ReadonlyMap<string, EntityLabels>;
}

const TIMESTAMP_HINT = 'expected ISO 8601 like 2024-03-01 or 2024-03-01T12:00:00Z';

/** Reads only the header, to know the input columns before anything else is planned. */
export async function readLabelsHeader(file: string): Promise<string[]> {
  await assertReadable(file);
  const parser = createReadStream(file).pipe(parse({ bom: true, to_line: 1, relax_column_count: true }));
  for await (const record of parser) return record as string[];
  throw badInput({ file, line: 1, message: 'the file is empty: expected a header row' });
}

async function assertReadable(file: string): Promise<void> {
  try {
    await access(file);
  } catch {
    throw new SpellbookError('BAD_INPUT', `labels file not found: ${file}`);
  }
}

export async function readLabels(options: LabelsOptions): Promise<Labels> {
  const { file } = options;
  await assertReadable(file);
  const parser = createReadStream(file).pipe(
    parse({ bom: true, skip_empty_lines: true, info: true, raw: true, relax_quotes: false }),
  );

  let header: string[] | undefined;
  let timeIndex = -1;
  let keyColumns: { index: number[]; name: string[]; types: Entity['keyTypes']; dictionary: KeyDictionary; keys: number[] }[] = [];
  const times: number[] = [];
  const prefixes: string[] = [];

  try {
    for await (const { record, info, raw } of parser as AsyncIterable<{ record: string[]; info: { lines: number }; raw: string }>) {
      // info.lines is where the record ends; a quoted field may span lines.
      const line = info.lines - (raw.replace(/\r?\n$/, '').match(/\n/g)?.length ?? 0);
      if (header === undefined) {
        header = record;
        ({ timeIndex, keyColumns } = resolveColumns(header, options));
        continue;
      }
      const stamp = record[timeIndex]!;
      const t = options.timestampUnit ? parseEpoch(stamp, options.timestampUnit) : parseInstant(stamp);
      if (t === undefined) {
        const hint = options.timestampUnit ? `expected an integer epoch in ${options.timestampUnit}` : TIMESTAMP_HINT;
        throw badInput({ file, line, message: `${options.timestampColumn}: ${JSON.stringify(stamp)} is not a timestamp (${hint})` });
      }
      for (const kc of keyColumns) {
        const key: KeyValue[] = [];
        for (let j = 0; j < kc.index.length; j++) {
          const text = record[kc.index[j]!]!;
          if (text.trim() === '') throw badInput({ file, line, message: `${kc.name[j]}: missing key value` });
          const v = normaliseKeyValue(text, kc.types[j]!);
          if (v === undefined) throw badInput({ file, line, message: `${kc.name[j]}: ${JSON.stringify(text)} is not an int` });
          key.push(v);
        }
        kc.keys.push(kc.dictionary.add(key));
      }
      times.push(t);
      prefixes.push(options.encodePrefix(record));
      options.onRow?.();
    }
  } catch (err) {
    if (err instanceof SpellbookError) throw err;
    const e = err as Error & { code?: string; lines?: number };
    if (e.code?.startsWith('CSV_')) throw badInput({ file, line: e.lines ?? 0, message: e.message.replace(/ on line \d+$/, '') });
    throw err;
  }
  if (header === undefined) throw badInput({ file, line: 1, message: 'the file is empty: expected a header row' });

  const entities = new Map<string, EntityLabels>();
  options.entities.forEach(({ entity }, i) => {
    const kc = keyColumns[i]!;
    entities.set(entity.name, { entity, dictionary: kc.dictionary, keyOfLabel: Int32Array.from(kc.keys) });
  });
  return { header, count: times.length, times: Float64Array.from(times), prefixes, entities };
}

function resolveColumns(header: string[], options: LabelsOptions) {
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
    keys: [] as number[],
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
