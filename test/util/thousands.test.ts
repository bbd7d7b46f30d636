import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { withThousands } from '../../src/util/thousands.js';

describe('withThousands', () => {
  it('groups a whole number in threes with commas', () => {
    expect(withThousands(0)).toBe('0');
    expect(withThousands(999)).toBe('999');
    expect(withThousands(1000)).toBe('1,000');
    expect(withThousands(10000)).toBe('10,000');
    expect(withThousands(100000)).toBe('100,000');
    expect(withThousands(1234567)).toBe('1,234,567');
    expect(withThousands(-1234567)).toBe('-1,234,567');
    expect(withThousands(Number.MAX_SAFE_INTEGER)).toBe('9,007,199,254,740,991');
  });

  it("writes any number as toLocaleString('en-US') does", () => {
    fc.assert(fc.property(fc.oneof(fc.integer(), fc.maxSafeInteger(), fc.double({ noNaN: true })), (n) => withThousands(n) === n.toLocaleString('en-US')));
  });
});
