import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { epochSecondsToMs } from '../../src/db/postgres/epoch-seconds.js';

describe('epochSecondsToMs (PostgreSQL extract(epoch) text to epoch ms)', () => {
  it('floors to the millisecond, before and after 1970', () => {
    expect(epochSecondsToMs('1709294400.123456')).toBe(1709294400123);
    expect(epochSecondsToMs('1709294400.123999')).toBe(1709294400123);
    expect(epochSecondsToMs('1709294400.000000')).toBe(1709294400000);
    expect(epochSecondsToMs('1709294400')).toBe(1709294400000);
    expect(epochSecondsToMs('1709294400.5')).toBe(1709294400500);
    expect(epochSecondsToMs('0.000000')).toBe(0);
    expect(epochSecondsToMs('0.000999')).toBe(0);
    expect(epochSecondsToMs('-0.000500')).toBe(-1);
    expect(epochSecondsToMs('-0.000001')).toBe(-1);
    expect(epochSecondsToMs('-1.000000')).toBe(-1000);
    expect(epochSecondsToMs('-1.500000')).toBe(-1500);
    expect(epochSecondsToMs('-1.500001')).toBe(-1501);
    expect(epochSecondsToMs('-210863520000.000000')).toBe(-210863520000000);
    expect(epochSecondsToMs('253402300799.999999')).toBe(253402300799999);
  });

  it('keeps infinity infinite', () => {
    expect(epochSecondsToMs('Infinity')).toBe(Infinity);
    expect(epochSecondsToMs('-Infinity')).toBe(-Infinity);
  });

  // The text is built here with BigInt arithmetic, the answer from the integer parts.
  it('gives floor(µs / 1000) for every microsecond count PostgreSQL can hold below 2^53 ms', () => {
    const limit = 2n ** 53n * 1000n - 1n;
    fc.assert(
      fc.property(fc.bigInt({ min: -limit, max: limit }), (us) => {
        const sign = us < 0n ? '-' : '';
        const abs = us < 0n ? -us : us;
        const text = `${sign}${abs / 1_000_000n}.${String(abs % 1_000_000n).padStart(6, '0')}`;
        const floorMs = us >= 0n ? us / 1000n : -((-us + 999n) / 1000n);
        expect(epochSecondsToMs(text)).toBe(Number(floorMs));
      }),
      { numRuns: 2000 },
    );
  });
});
