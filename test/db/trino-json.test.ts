/** Trino's pages decoded without rounding: the parse step alone (the end-to-end case is test/cli/big-integers.test.ts). */
import { describe, expect, it } from 'vitest';
import { decodeResponse, parsePage } from '../../src/db/trino/trino-json.js';

describe('parsePage', () => {
  it('keeps integers beyond ±2^53 as their digits and every other number as JSON.parse gives it', () => {
    const page = '{"data":[[9007199254740993,-9223372036854775808,9007199254740991,1.5E20,0.1,"12345678901234567890",null]]}';
    expect(parsePage(page)).toEqual({ data: [['9007199254740993', '-9223372036854775808', 9007199254740991, 1.5e20, 0.1, '12345678901234567890', null]] });
  });

  it('parses a page without a whole 16-digit run (no fraction of a double) as JSON.parse does', () => {
    expect(parsePage('{"data":[[1,-2,"x",2.5]]}')).toEqual({ data: [[1, -2, 'x', 2.5]] });
    expect(parsePage('{"data":[[0.30000000000000004,1.2345678901234568E16]]}')).toEqual({ data: [[0.30000000000000004, 1.2345678901234568e16]] });
  });

  it('finds a 16-digit integer wherever it starts in the page, and takes 15 digits for a safe one', () => {
    for (let pad = 0; pad < 40; pad++) {
      const before = `{"data":[[${' '.repeat(pad)}`;
      expect(parsePage(`${before}9007199254740993]]}`)).toEqual({ data: [['9007199254740993']] });
      expect(parsePage(`${before}-9007199254740993,1]]}`)).toEqual({ data: [['-9007199254740993', 1]] });
      expect(parsePage(`${before}900719925474099]]}`)).toEqual({ data: [[900719925474099]] });
    }
  });
});

describe('decodeResponse', () => {
  it('hands on a body that is not JSON, or empty, as it came, as axios does', () => {
    expect(decodeResponse('<html>502 Bad Gateway</html>')).toBe('<html>502 Bad Gateway</html>');
    expect(decodeResponse('')).toBe('');
    expect(decodeResponse(undefined)).toBe(undefined);
  });
});
