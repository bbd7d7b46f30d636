/**
 * mysql2's float reading, as replaced by exact-doubles.ts: every text reads as Number()
 * reads it (the shortest text of each double reads back as that double), on the fast path
 * of at most 15 digits and on the Number() path of longer texts and exponents.
 */
import { expect, it } from 'vitest';
import { installed, parseFloatExactly } from '../../src/db/mysql/exact-doubles.js';

/** Reads `text` as mysql2's packet would, from the middle of a buffer; returns the value and the offset after it. */
function read(text: string): { value: number | null; offset: number } {
  const packet = { buffer: Buffer.from(`xx${text}yy`, 'latin1'), offset: 2 };
  const value = parseFloatExactly.call(packet, text.length);
  return { value, offset: packet.offset };
}

it('replaces mysql2’s float reading', () => {
  expect(installed).toBe(true);
});

it('reads every text as Number() does, and moves past it', () => {
  const texts = ['0', '-0', '1', '-1', '+2.5', '5274.47', '9.993198234581573', '0.27890624999999997', '-0.9999237060546875', '1e+300', '5e-324', '-1.5E-7', '123456789012345', '1234567890123456', '0.000000000000001', '.5', '5.', '999999999999999.9'];
  const random: string[] = [];
  let seed = 42;
  const next = (): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  for (let i = 0; i < 20000; i++) {
    const magnitude = 10 ** Math.floor(next() * 16 - 6);
    random.push(String((next() - 0.5) * magnitude), String(Math.round(next() * 1e6) / 100), (next() * 1e4).toFixed(Math.floor(next() * 12)));
  }
  const misread = [...texts, ...random].filter((text) => {
    const { value, offset } = read(text);
    return !Object.is(value, Number(text)) || offset !== 2 + text.length;
  });
  expect(misread).toEqual([]);
});

it('reads NULL as null and an empty text as 0, as mysql2 did', () => {
  expect(parseFloatExactly.call({ buffer: Buffer.alloc(0), offset: 0 }, null)).toBe(null);
  expect(read('').value).toBe(0);
});
