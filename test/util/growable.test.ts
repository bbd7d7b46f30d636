import { describe, expect, it } from 'vitest';
import { growableFloat64, growableInt32 } from '../../src/util/growable.js';

describe('Growable', () => {
  it('gives back every value pushed, in order, at every length around its block sizes', () => {
    for (const n of [0, 1, 1023, 1024, 1025, 3072, 65_536, 65_536 + 3072 + 1, 200_000]) {
      const ints = growableInt32();
      const doubles = growableFloat64();
      for (let i = 0; i < n; i++) {
        ints.push(i * 7 - 3);
        doubles.push(i + 0.5);
      }
      for (const shared of [false, true]) {
        const a = ints.toArray(shared);
        const b = doubles.toArray(shared);
        expect([a.length, b.length, ints.length]).toEqual([n, n, n]);
        // Shared: what a worker thread reads without a copy (the partitioned merge's labels).
        expect([a.buffer instanceof SharedArrayBuffer, b.buffer instanceof SharedArrayBuffer]).toEqual([shared, shared]);
        let wrong = 0;
        for (let i = 0; i < n; i++) if (a[i] !== i * 7 - 3 || b[i] !== i + 0.5) wrong++;
        expect(wrong).toBe(0);
      }
    }
  });
});
