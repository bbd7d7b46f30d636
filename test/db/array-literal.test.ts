import { describe, expect, it } from 'vitest';
import { arrayLiteral, pgParameters } from '../../src/db/postgres/array-literal.js';

describe('arrayLiteral', () => {
  it('writes numbers as pg writes them, unquoted', () => {
    expect(arrayLiteral([1, -2, 2.5, 1e21, 5e-324, -0, 1700000000000.5])).toBe('{1,-2,2.5,1e+21,5e-324,0,1700000000000.5}');
    expect(arrayLiteral([12345678901234567890n])).toBe('{12345678901234567890}');
    expect(arrayLiteral([])).toBe('{}');
  });

  it('quotes every string, escaping backslashes and double quotes, and writes NULL for null and undefined', () => {
    expect(arrayLiteral(['', 'NULL', 'a,b', '{x}', ' sp ', 'say "hi"', 'back\\slash', "it's"])).toBe(
      String.raw`{"","NULL","a,b","{x}"," sp ","say \"hi\"","back\\slash","it's"}`,
    );
    expect(arrayLiteral([1, null, undefined, 'x'])).toBe('{1,NULL,NULL,"x"}');
  });

  it('leaves any other element to pg', () => {
    expect(arrayLiteral([1, [2]])).toBeUndefined();
    expect(arrayLiteral([new Date(0)])).toBeUndefined();
    expect(arrayLiteral([true])).toBeUndefined();
    expect(arrayLiteral([Buffer.from('x')])).toBeUndefined();
  });
});

describe('pgParameters', () => {
  it('replaces only the arrays it can write', () => {
    const date = new Date(0);
    expect(pgParameters(['a', 1, null, [1, 2], [true], date])).toEqual(['a', 1, null, '{1,2}', [true], date]);
  });
});
