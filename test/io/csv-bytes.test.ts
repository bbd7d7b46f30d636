/**
 * The CSV bytes of a batch are the UTF-8 of the text encoder's lines, byte for byte:
 * numbers written by digits print as String() prints them.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Value } from '../../src/core/values.js';
import { createEncoder } from '../../src/io/encoders.js';

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
      fc.property(fc.array(number, { minLength: 1, maxLength: 50 }), (numbers) => {
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

  it('a batch larger than the first guess of its size', () => {
    const long = 'é'.repeat(5000);
    const { bytes, text } = both([long, 'x', long], [[1.5], [null], ['y'.repeat(10_000)]], 1);
    expect(bytes).toEqual(text);
  });
});
