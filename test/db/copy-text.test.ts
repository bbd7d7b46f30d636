import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CopyTextRows, floatReader, intReader, textReader, type TextParser } from '../../src/db/postgres/copy-text.js';

const int: TextParser = (t) => parseInt(t, 10);
const float: TextParser = (t) => parseFloat(t);
const text: TextParser = (t) => t;
const bytesOf = (s: string) => Buffer.from(s, 'utf8');

describe('COPY text fields read from their bytes', () => {
  it('reads ints as parseInt does', () => {
    const read = intReader(int);
    for (const t of ['0', '7', '-7', '2147483647', '-2147483648', '-32768', '12a', '', '-', '1234567890123456789']) {
      const b = bytesOf(`x${t}y`);
      expect(Object.is(read(b, 1, b.length - 1), parseInt(t, 10)), t).toBe(true);
    }
  });

  it('reads floats as parseFloat does, whatever their digits', () => {
    const read = floatReader(float);
    for (const t of ['0', '-0', '1234.56', '-0.5', '0.1', '1e+20', '1.5e-07', 'NaN', 'Infinity', '-Infinity', '0.30000000000000004', '123456789012345.6', '1.', '.5', '-', '']) {
      const b = bytesOf(t);
      expect(Object.is(read(b, 0, b.length), parseFloat(t)), t).toBe(true);
    }
    fc.assert(
      fc.property(fc.stringMatching(/^-?[0-9]{1,20}(\.[0-9]{1,25})?$/), (t) => {
        const b = bytesOf(t);
        expect(Object.is(read(b, 0, b.length), parseFloat(t))).toBe(true);
      }),
      { numRuns: 5000 },
    );
    // The shortest text of any double, as PostgreSQL's float8 output gives most of them.
    fc.assert(
      fc.property(fc.double(), (x) => {
        const t = Object.is(x, -0) ? '-0' : String(x); // String(-0) is "0"; PostgreSQL writes "-0"
        const b = bytesOf(t);
        expect(Object.is(read(b, 0, b.length), x)).toBe(true);
      }),
      { numRuns: 5000 },
    );
  });
});

/** A value as COPY TO writes it: `\N` for NULL, the escapes of its documentation for the rest. */
function copyField(v: string | number | null): string {
  if (v === null) return '\\N';
  return (Object.is(v, -0) ? '-0' : String(v)).replace(/[\\\t\n\r\b\f\v]/g, (c) => ({ '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r', '\b': '\\b', '\f': '\\f', '\v': '\\v' })[c]!);
}

describe('CopyTextRows', () => {
  it('gives back every row, whatever the chunks it arrives in', () => {
    const row = fc.tuple(
      fc.option(fc.integer({ min: -2147483648, max: 2147483647 })),
      fc.option(fc.double({ noNaN: true })),
      fc.option(fc.string({ unit: 'binary' })),
    );
    fc.assert(
      fc.property(fc.array(row, { minLength: 1, maxLength: 30 }), fc.array(fc.nat(), { maxLength: 8 }), (rows, cuts) => {
        const bytes = bytesOf(rows.map((r) => r.map(copyField).join('\t') + '\n').join(''));
        const at = [...new Set(cuts.map((c) => c % bytes.length))].sort((a, b) => a - b);
        const reader = new CopyTextRows([intReader(int), floatReader(float), textReader(text)], [int, float, text]);
        const got: unknown[][] = [];
        let from = 0;
        for (const to of [...at, bytes.length]) {
          got.push(...reader.push(bytes.subarray(from, to)));
          from = to;
        }
        reader.end();
        // -0 is written "-0" and read back as -0, as PostgreSQL's float8 would be.
        expect(got).toEqual(rows.map((r) => [...r]));
      }),
      { numRuns: 500 },
    );
  });

  it('refuses a row of the wrong width and data ending inside a row', () => {
    const reader = () => new CopyTextRows([textReader(text), textReader(text)], [text, text]);
    expect(() => reader().push(bytesOf('a\tb\tc\n'))).toThrow('COPY row with 3 fields, expected 2');
    expect(() => reader().push(bytesOf('a\n'))).toThrow('COPY row with 1 fields, expected 2');
    const r = reader();
    r.push(bytesOf('a\tb\nc'));
    expect(() => r.end()).toThrow('COPY data ended inside a row (1 bytes after the last newline)');
  });
});
