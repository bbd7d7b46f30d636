/**
 * The CSV bytes of a batch are the UTF-8 of the text encoder's lines, byte for byte:
 * numbers written by digits print as String() prints them.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Value } from '../../src/core/values.js';
import { createEncoder } from '../../src/io/encoders.js';
import { CsvBytes, csvTextColumns } from '../../src/io/csv-bytes.js';

const RUNS = Number(process.env['SPELLBOOK_PROPERTY_RUNS'] ?? 100);

function both(prefixes: readonly string[], rows: readonly (readonly Value[])[], width: number, prefixColumns = ['a']) {
  const encoder = createEncoder('csv', prefixColumns, Array.from({ length: width }, (_, i) => `v${i}`));
  const batch = { length: rows.length, width, prefix: (r: number) => prefixes[r]!, value: (r: number, f: number) => rows[r]![f]! };
  return { bytes: Buffer.from(encoder.bytes!(batch)), text: Buffer.from(encoder.lines(batch)) };
}

/** Numbers of the shapes features hold: cents, few decimals, ints, and any double at all. */
const number = fc.oneof(
  fc.integer({ min: -1e8, max: 1e8 }).map((c) => c / 100),
  fc.integer({ min: -1e9, max: 1e9 }).chain((n) => fc.constantFrom(n / 10, n / 1000, n / 10_000, n / 100_000)),
  fc.integer(),
  fc.maxSafeInteger(),
  fc.double(),
  fc.double({ min: -1e9, max: 1e9 }),
  fc.constantFrom(0, -0, 0.1, 0.2, 0.3, 0.1 + 0.2, 1e-4, 1.5e-4, 0.00005, 999_999_999.9999, 1e9, 2 ** 53, 2 ** 53 + 2, -(2 ** 53), 1e21, 1.7976931348623157e308, 5e-324, NaN, Infinity, -Infinity),
);
const value: fc.Arbitrary<Value> = fc.oneof(
  { arbitrary: number, weight: 8 },
  { arbitrary: fc.constant(null), weight: 1 },
  { arbitrary: fc.string(), weight: 1 },
  { arbitrary: fc.constantFrom('é,"x"', 'a\nb', '😀', 'plain'), weight: 1 },
  { arbitrary: fc.boolean(), weight: 1 },
  { arbitrary: fc.bigInt(), weight: 1 },
  { arbitrary: fc.date({ noInvalidDate: false }), weight: 1 },
);

describe('csv bytes', () => {
  it('are the text lines encoded, for any values and prefixes', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 5 }), fc.array(fc.tuple(fc.string(), fc.array(value, { minLength: 5, maxLength: 5 })), { maxLength: 20 }), (width, rows) => {
        const { bytes, text } = both(
          rows.map(([p]) => p),
          rows.map(([, v]) => v.slice(0, width)),
          width,
        );
        expect(bytes).toEqual(text);
      }),
      { numRuns: RUNS * 10 },
    );
  });

  it('write every number as String() does', () => {
    fc.assert(
      fc.property(fc.array(number, { minLength: 1, maxLength: 50, size: 'max' }), (numbers) => {
        const { bytes } = both(numbers.map(() => ''), numbers.map((n) => [n]), 1, []);
        expect(bytes.toString()).toBe(numbers.map((n) => String(n) + '\n').join(''));
      }),
      { numRuns: RUNS * 100 },
    );
  });

  it("are the text lines from a batch's label fields, as the encoder's prefix writes them", () => {
    const field = fc.oneof(fc.string(), fc.constantFrom('', 'é,"x"', 'a\nb', 'a\rb', '"', ',', '😀', '2024-03-01T12:00:00.000Z', '42'));
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 4 }), fc.array(fc.array(field, { minLength: 4, maxLength: 4 }), { maxLength: 20 }), (columns, rows) => {
        const encoder = createEncoder('csv', Array.from({ length: columns }, (_, i) => `l${i}`), ['v']);
        const fields = rows.map((r) => r.slice(0, columns));
        const batch = { length: rows.length, width: 1, prefix: (r: number) => encoder.prefix(fields[r]!), value: (r: number) => r };
        const expected = Buffer.from(encoder.lines(batch));
        expect(Buffer.from(encoder.bytes!({ ...batch, prefix: () => 'unused', fields: (r: number) => fields[r]! }))).toEqual(expected);
      }),
      { numRuns: RUNS * 10 },
    );
    const encoder = createEncoder('csv', ['a', 'b', 'c'], ['v']);
    const batch = { length: 1, width: 1, prefix: () => 'unused', fields: () => ['x,y', 'say "hi"', 'é'], value: () => 1 };
    expect(Buffer.from(encoder.bytes!(batch)).toString()).toBe('"x,y","say ""hi""",é,1\n');
  });

  // A merge worker writes some features' values ahead (CsvBytes.values) for the labels
  // from a point on; the writer copies them there and encodes every other value itself.
  it("are the text lines when some features' values come written ahead, from any label on", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 5 }),
        fc.array(fc.array(value, { minLength: 5, maxLength: 5 }), { maxLength: 20 }),
        fc.nat(),
        fc.nat(),
        fc.boolean(),
        fc.nat({ max: 25 }),
        fc.nat({ max: 10 }),
        (width, all, s, w, poisoned, first, offset) => {
          const rows = all.map((v) => v.slice(0, width));
          const start = s % width;
          const run = 1 + (w % (width - start));
          // The batch is labels offset.. of the join; the text covers labels from.. of it.
          const labelCount = offset + rows.length;
          const from = Math.min(first, labelCount);
          const text = new CsvBytes().values(from, labelCount, run, (label, k) => (label < offset ? 'not in the batch' : rows[label - offset]![start + k]!));
          const { text: expected } = both(rows.map((_, r) => `p${r}`), rows, width);
          const encoder = createEncoder('csv', ['a'], Array.from({ length: width }, (_, i) => `v${i}`));
          const runs = Array.from({ length: width }, (_, k) => (k === start ? text : undefined));
          // Poisoned: a value the text covers is not to be read, only copied.
          const covered = (r: number, k: number) => k >= start && k < start + run && offset + r >= from;
          const batch = { length: rows.length, width, prefix: (r: number) => `p${r}`, value: (r: number, k: number) => (poisoned && covered(r, k) ? 'read' : rows[r]![k]!), csv: { first: offset, runs } };
          expect(Buffer.from(encoder.bytes!(batch))).toEqual(expected);
        },
      ),
      { numRuns: RUNS * 10 },
    );
  });

  it("values written ahead: each label's comma-separated, NULL as nothing, from the first label asked for", () => {
    const rows: Value[][] = [
      [1.5, null],
      [null, true],
      [-0, new Date(Date.UTC(2024, 0, 5))],
      [2 ** 53 + 2, 'a,"b"'],
      [1e21, 12345678901234567890n],
    ];
    const text = new CsvBytes().values(1, 5, 2, (label, f) => rows[label]![f]!);
    expect(text.first).toBe(1);
    expect(Buffer.from(text.bytes).toString()).toBe(',true' + '0,2024-01-05T00:00:00.000Z' + '9007199254740994,"a,""b"""' + '1e+21,12345678901234567890');
    expect([...text.ends]).toEqual([0, 5, 31, 57, 83]);
  });

  // A merge worker's groups whose values are all held as numbers keep only their text;
  // any reader of the rows other than the CSV writer gets their values back from it.
  it('values written ahead read back as the values they were written from', () => {
    const typed = fc.oneof(
      fc.tuple(fc.constant('float' as const), fc.oneof(number, fc.constant(null))),
      fc.tuple(fc.constant('int' as const), fc.oneof(fc.maxSafeInteger(), fc.constantFrom(2 ** 60, -(2 ** 53) - 2, -0), fc.constant(null))),
      fc.tuple(fc.constant('bool' as const), fc.oneof(fc.boolean(), fc.constant(null))),
      fc.tuple(fc.constant('timestamp' as const), fc.oneof(fc.date({ noInvalidDate: true }), fc.constant(null))),
    );
    fc.assert(
      fc.property(fc.array(typed, { minLength: 1, maxLength: 4 }), fc.integer({ min: 1, max: 8 }), fc.nat({ max: 3 }), (columns, labels, first) => {
        const from = Math.min(first, labels);
        // Label i's value of feature f: the column's own value, shifted so labels differ.
        const valueOf = (i: number, f: number): Value => {
          const [type, v] = columns[f]!;
          if (v === null || i % 3 === 2) return null;
          if (type === 'bool') return i % 2 === 0 ? v : !v;
          return v;
        };
        const text = new CsvBytes().values(from, labels, columns.length, valueOf);
        const read = csvTextColumns(
          text,
          columns.map(([type]) => type),
        );
        expect(read).toHaveLength(columns.length);
        for (let i = from; i < labels; i++) {
          columns.forEach((_, f) => {
            const v = valueOf(i, f);
            // -0 is written, and read back, as 0.
            expect(read[f]!.get(i)).toEqual(Object.is(v, -0) ? 0 : v);
          });
        }
      }),
      { numRuns: RUNS * 10 },
    );
  });

  it('a batch larger than the first guess of its size', () => {
    const long = 'é'.repeat(5000);
    const { bytes, text } = both([long, 'x', long], [[1.5], [null], ['y'.repeat(10_000)]], 1);
    expect(bytes).toEqual(text);
  });
});
