/**
 * export's choice among a key's rows at its newest event time (SPEC §2), on every engine:
 * the greatest created time wins, NULL last; rows tied on both give exactly one row; a NULL
 * in the winning row stays NULL; with --known-at a newest event time whose rows were all
 * created later does not count. MariaDB gets these from a join of the rows to their key's
 * newest event time, which returns every tied row, the winner first (repeatsKeys).
 * Keys 'a', 'A' and 'a ' are one under MariaDB's default collation, three here.
 */
import { expect, it } from 'vitest';
import { openSpellbook } from '../../src/index.js';
import { describeEngines } from '../support/engines.js';
import { at, createTable } from '../support/tables.js';
import { tempDir, writeMetadata } from '../support/cli.js';

const ROWS = [
  { k: 'a', t: at('2024-01-01 10:00'), c: at('2024-01-01 09:00'), v: 1 },
  { k: 'a', t: at('2024-01-01 10:00'), c: at('2024-01-01 09:30'), v: 2 },
  { k: 'a', t: at('2024-01-01 10:00'), c: null, v: 3 },
  { k: 'a', t: at('2024-01-01 09:00'), c: at('2024-01-01 11:00'), v: 4 },
  { k: 'A', t: at('2024-01-01 10:00'), c: null, v: 5 },
  { k: 'A', t: at('2024-01-01 10:00'), c: null, v: 6 },
  { k: 'a ', t: at('2024-01-01 10:00'), c: at('2024-01-01 09:00'), v: null },
  { k: 'a ', t: at('2024-01-01 08:00'), c: at('2024-01-01 07:00'), v: 7 },
  { k: 'b', t: at('2024-01-01 11:00'), c: at('2024-01-01 13:00'), v: 8 },
  { k: 'b', t: at('2024-01-01 10:00'), c: at('2024-01-01 10:00'), v: 9 },
  { k: 'b', t: at('2024-01-01 10:00'), c: null, v: 10 },
  { k: 'c', t: at('2024-01-01 13:00'), c: at('2024-01-01 09:00'), v: 11 },
];

describeEngines('export among rows tied on the newest event time', (ctx) => {
  it('takes the greatest created time, NULL last, one row per key, NULL values kept', async () => {
    const c = ctx();
    await createTable(c, 'ties', { k: 'string', t: 'time', c: 'time', v: 'float' }, ROWS);
    const dir = tempDir();
    const metadata = writeMetadata(dir, {
      version: 1,
      connection: c.connection,
      entities: [{ name: 'e', key: 'k', type: 'string' }],
      groups: [{ name: 'g', entity: 'e', table: 'ties', event_time: 't', created_time: 'c', features: [{ name: 'v', type: 'float' }] }],
    });
    const book = await openSpellbook({ metadata });
    try {
      const run = async (knownAt: boolean) => {
        const rows: [unknown, unknown][] = [];
        for await (const out of book.export({ features: ['g.v'], snapshot: at('2024-01-01 12:00'), knownAt })) rows.push([out['k'], out['v']]);
        return rows;
      };
      const plain = await run(false);
      expect(plain.map(([k]) => k)).toEqual(['A', 'a', 'a ', 'b']);
      expect([5, 6]).toContain(plain[0]![1]);
      expect(plain.slice(1)).toEqual([
        ['a', 2],
        ['a ', null],
        ['b', 8],
      ]);
      const knownAt = await run(true);
      expect(knownAt.map(([k]) => k)).toEqual(['A', 'a', 'a ', 'b']);
      expect([5, 6]).toContain(knownAt[0]![1]);
      expect(knownAt.slice(1)).toEqual([
        ['a', 2],
        ['a ', null],
        ['b', 9],
      ]);
    } finally {
      await book.close();
    }
  });
});
