/** The partitioned merge: how many partitions, and its temporary files (private, exact round trips, removed without a trace). */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SpillFolder, spillColumn, spilledValue } from '../../src/pit/spill.js';
import { partitionCount } from '../../src/pit/partitioned-merge.js';

describe('SpillFolder', () => {
  it('creates files only its user can read, gives chunks back in order, and removes everything', () => {
    const folder = new SpillFolder();
    const file = folder.file();
    file.append({ n: 1, keys: new Int32Array([7, -1]) });
    file.append(['b', null, new Date(5), 10n, Buffer.from('x')]);
    const path = join(folder.path, readdirSync(folder.path)[0]!);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    const chunks = [...file.chunks<unknown>()];
    expect(chunks).toEqual([{ n: 1, keys: new Int32Array([7, -1]) }, ['b', null, new Date(5), 10n, Buffer.from('x')]]);
    expect(Buffer.isBuffer((chunks[1] as unknown[])[4])).toBe(true);
    // Read again: the same chunks.
    expect([...file.chunks<unknown>()]).toHaveLength(2);
    file.delete();
    expect(readdirSync(folder.path)).toEqual([]);
    folder.remove();
    expect(existsSync(folder.path)).toBe(false);
  });
});

describe('spillColumn', () => {
  it('keeps numbers and NULLs as typed arrays, -0 and NaN included', () => {
    const column = spillColumn([1.5, null, -0, NaN, 3, 99], 5);
    expect('numbers' in column).toBe(true);
    expect([0, 1, 2, 3, 4].map((i) => spilledValue(column, i))).toEqual([1.5, null, -0, NaN, 3]);
    expect(Object.is(spilledValue(column, 2), -0)).toBe(true);
  });

  it('keeps any other value as it is', () => {
    const values = ['a', null, true, new Date(0), 12n, undefined, 4];
    const column = spillColumn(values, values.length);
    expect(values.map((_, i) => spilledValue(column, i))).toEqual(values);
  });
});

describe('partitionCount', () => {
  it('keeps one pass up to 1,048,576 labels, then one partition per 524,288; a forced count wins', () => {
    expect(partitionCount(0)).toBe(1);
    expect(partitionCount(1_048_576)).toBe(1);
    expect(partitionCount(1_048_577)).toBe(3);
    expect(partitionCount(10_000_000)).toBe(20);
    expect(partitionCount(10_000_000, 1)).toBe(1);
    expect(partitionCount(5, 7)).toBe(7);
  });

  it('makes partitions half as large for two lanes merging at once, unless the count is forced', () => {
    expect(partitionCount(1_048_576, undefined, 2)).toBe(1);
    expect(partitionCount(1_048_577, undefined, 2)).toBe(5);
    expect(partitionCount(10_000_000, undefined, 2)).toBe(39);
    expect(partitionCount(10_000_000, 4, 2)).toBe(4);
  });
});
