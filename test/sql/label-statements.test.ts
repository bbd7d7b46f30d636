/**
 * How a database join's labels are put into its statements: one statement with one array
 * per column where the dialect binds arrays (PostgreSQL), else JSON texts split only where
 * a statement would outgrow the engine's size limit.
 */
import { describe, expect, it } from 'vitest';
import type { ChunkQuery } from '../../src/sql/queries.js';
import { labelStatements } from '../../src/sql/queries.js';

const LABELS = [
  [0, 1709294400000, 'a'],
  [1, 1709294400001, "it's"],
  [2, 1709294400002, 'b\\c'],
];
const row = (i: number) => LABELS[i]!;

describe('labelStatements', () => {
  it('binds every label as one array per column, in one statement, keeping the other parameters', () => {
    const query: ChunkQuery = { sql: 'S', parameters: ['x', 's0', 's1', 's2', 'y'], labels: { form: 'arrays', positions: [1, 2, 3] } };
    expect([...labelStatements(query, 10, 3, row)]).toEqual([
      { sql: 'S', parameters: ['x', [0, 1, 2], [1709294400000, 1709294400001, 1709294400002], ['a', "it's", 'b\\c'], 'y'] },
    ]);
  });

  it('sends all labels as one JSON text when they fit', () => {
    const query: ChunkQuery = { sql: 'S', parameters: ['s0'], labels: { form: 'json', positions: [0] } };
    expect([...labelStatements(query, 1 << 20, 3, row)]).toEqual([
      { sql: 'S', parameters: ['[[0,1709294400000,"a"],[1,1709294400001,"it\'s"],[2,1709294400002,"b\\\\c"]]'] },
    ]);
  });

  it('splits the JSON where a statement would pass the size limit, counting the bytes escaping adds', () => {
    const query: ChunkQuery = { sql: 'S', parameters: ['s0'], labels: { form: 'json', positions: [0] } };
    // Each row's JSON is 21–24 bytes plus 2–5 escaped characters; a 1,060-byte limit leaves 35 bytes for labels.
    const texts = [...labelStatements(query, 1024 + 1 + 35, 3, row)].map((q) => q.parameters[0]);
    expect(texts).toEqual(['[[0,1709294400000,"a"]]', '[[1,1709294400001,"it\'s"]]', '[[2,1709294400002,"b\\\\c"]]']);
  });

  it('makes no statement for no labels', () => {
    const query: ChunkQuery = { sql: 'S', parameters: ['s0'], labels: { form: 'json', positions: [0] } };
    expect([...labelStatements(query, 1 << 20, 0, row)]).toEqual([]);
  });
});
