/**
 * A labels CSV file without quotes is read in place (readLabels' fast path for plain lines,
 * the CSV encoder's prefix of a whole line); read as records instead, it must give the
 * same times, keys, prefixes, and the same error, message and place included.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SpellbookError } from '../../src/errors.js';
import { createEncoder } from '../../src/io/encoders.js';
import { openCsvLabels, readLabels, type LabelReader } from '../../src/io/labels.js';
import { parseMetadata } from '../../src/metadata/index.js';
import type { EpochUnit } from '../../src/time/instant.js';

const RUNS = Number(process.env['SPELLBOOK_PROPERTY_RUNS'] ?? 100);
const dir = mkdtempSync(join(tmpdir(), 'spellbook-plain-labels-'));
let n = 0;

const md = parseMetadata('version: 1\nentities:\n  - name: user\n    key: user_id\n    type: int\n  - name: shop\n    key: shop_id\n    type: int\ngroups: []\n', {
  path: 'm.yml',
  file: join(dir, 'm.yml'),
  env: {},
});
const [user, shop] = md.entities as [(typeof md.entities)[0], (typeof md.entities)[0]];

/** What reading the labels gave: every row's time and key numbers, the keys, the prefixes; or the error. */
async function outcome(reader: LabelReader, delimiter: string, unit: EpochUnit | undefined, format: 'csv' | 'jsonl', lines: boolean): Promise<unknown> {
  const encoder = createEncoder(format, reader.header, ['f']);
  try {
    const l = await readLabels(reader, {
      timestampColumn: 'ts',
      timestampUnit: unit,
      entities: [
        { entity: user, columns: ['user_id'] },
        { entity: shop, columns: ['shop_id'] },
      ],
      encodePrefix: (fields) => encoder.prefix(fields),
      encodeLine: lines ? (line, d) => (expect(d).toBe(delimiter), encoder.prefixOfLine(line, d)) : undefined,
    });
    const prefixes: string[] = [];
    for await (const batch of l.prefixBatches()) prefixes.push(...batch);
    const entities = [...l.entities.values()].map((e) => ({ keys: e.dictionary.tuples(), keyOfLabel: [...e.keyOfLabel] }));
    return { count: l.count, times: [...l.times], entities, prefixes };
  } catch (err) {
    if (!(err instanceof SpellbookError)) throw err;
    return { code: err.code, message: err.message, file: err.file, line: err.line, column: err.column, value: err.value };
  }
}

async function bothWays(text: string, delimiter: string, unit?: EpochUnit, format: 'csv' | 'jsonl' = 'csv'): Promise<unknown> {
  const path = join(dir, `f${n++}.csv`);
  writeFileSync(path, text);
  const reader = await openCsvLabels(path, delimiter);
  expect(reader.plain).toBeDefined();
  const fast = await outcome(reader, delimiter, unit, format, true);
  const slow = await outcome({ ...(await openCsvLabels(path, delimiter)), plain: undefined }, delimiter, unit, format, false);
  expect(fast).toEqual(slow);
  return fast;
}

// Mostly good values, so that most files are read to the end and their prefixes compared.
const key = fc.oneof(
  { arbitrary: fc.constantFrom('7', '007', '0', '42', '123456789012345', '1073741824'), weight: 30 },
  { arbitrary: fc.constantFrom('1234567890123456', '-7', '', ' 7', 'x', '1e3', '7.0', '\r'), weight: 1 },
);
const time = fc.oneof(
  { arbitrary: fc.constantFrom('2024-03-01', '2024-03-01T12:00:00Z', '2024-03-01 12:00:00.25', '2024-03-01T12:00:00+02:00', '1709294400'), weight: 30 },
  { arbitrary: badTime(), weight: 1 },
);
function badTime() {
  return fc.constantFrom(
  '2024-03-01',
  '2024-03-01T12:00:00Z',
  '2024-03-01 12:00:00',
  '2024-03-01T12:00:00.5Z',
  '2024-03-01T12:00:00.123456789Z',
  '2024-03-01T12:00:00.1234567891Z',
  '2024-02-29T00:00:00Z',
  '2023-02-29T00:00:00Z',
  '2024-03-01T24:00:00Z',
  '2024-03-01T12:00:00+02:00',
  ' 2024-03-01',
  '0099-01-01',
  '1709294400',
  '1709294400000',
  '',
  'soon',
  );
}
const extra = fc.constantFrom('a', '', 'é', 'x\ry', 'b c');

describe('plain labels files', () => {
  it('read in place or as records, give the same labels, prefixes and errors', async () => {
    let read = 0;
    const row = fc.record({ user: key, shop: key, ts: time, extra, width: fc.constantFrom(...new Array<number>(40).fill(0), -1, 1) });
    const file = fc.record({
      rows: fc.array(row, { maxLength: 12, size: 'max' }),
      delimiter: fc.constantFrom(',', ';', '\t'),
      unit: fc.constantFrom(undefined, undefined, undefined, 's' as const, 'ms' as const),
      crlf: fc.boolean(),
      blank: fc.boolean(),
      format: fc.constantFrom('csv' as const, 'jsonl' as const),
    });
    await fc.assert(
      fc.asyncProperty(file, async (f) => {
        const d = f.delimiter;
        const lines = [['user_id', 'ts', 'shop_id', 'x'].join(d)];
        for (const r of f.rows) {
          const fields: string[] = [r.user, r.ts, r.shop, r.extra];
          if (r.width < 0) fields.pop();
          if (r.width > 0) fields.push('more');
          lines.push(fields.join(d));
          if (f.blank) lines.push('');
        }
        if ('count' in ((await bothWays(lines.join(f.crlf ? '\r\n' : '\n') + '\n', d, f.unit, f.format)) as object)) read++;
      }),
      { numRuns: RUNS * 3 },
    );
    expect(read).toBeGreaterThan(RUNS / 3); // not only errors compared
  });

  it('a file of many read chunks: lines cut between chunks are read whole, on the right line', async () => {
    const rows = ['user_id,ts,shop_id,x'];
    for (let i = 0; i < 30_000; i++) rows.push(`${(i * 7919) % 5003},2024-0${1 + (i % 9)}-1${i % 10}T0${i % 10}:1${i % 6}:2${i % 7}Z,${i % 13},${'é'.repeat(i % 3)}`);
    rows.push('12,2024-13-01T00:00:00Z,1,bad month');
    const got = (await bothWays(rows.join('\n'), ',')) as { message: string };
    expect(got.message).toMatch(/:30002: ts: "2024-13-01T00:00:00Z" is not a timestamp/);
    const good = (await bothWays(rows.slice(0, -1).join('\r\n') + '\r\n', ',')) as { count: number; prefixes: string[] };
    expect(good.count).toBe(30_000);
    expect(good.prefixes[29_999]).toBe(rows[30_000]);
  });
});
