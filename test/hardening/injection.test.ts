/**
 * SPEC §5: identifiers from metadata are quoted, label and key values are bound. A table
 * and columns named with quotes, backticks, semicolons, spaces and reserved words are
 * read correctly; keys that look like SQL are matched as plain data, through export
 * --key and both join strategies; the table is intact afterwards. (Names spellbook uses
 * as names, groups and features, are rejected by the loader: see the corpus.)
 */
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { describeEngines } from '../support/engines.js';
import { runCli, tempDir, writeFile, writeMetadata } from '../support/cli.js';
import { at, createTable } from '../support/tables.js';

const TABLE = 'acc`ts"; DROP TABLE x; --';
const HOSTILE = "x'); DROP TABLE accounts; --";
const QUOTED = 'a","b` OR 1=1';

describeEngines('injection', (ctx) => {
  it('quotes hostile identifiers and binds hostile values', async () => {
    const c = ctx();
    await createTable(c, TABLE, { order: 'string', select: 'time', 'bal"ance': 'float', 'st`at us': 'string', "a;b'c": 'int' }, [
      { order: HOSTILE, select: at('2024-01-01'), 'bal"ance': 1.5, 'st`at us': 'evil', "a;b'c": 1 },
      { order: QUOTED, select: at('2024-01-01'), 'bal"ance': 2.5, 'st`at us': 'quoted', "a;b'c": 2 },
      { order: 'plain', select: at('2024-01-01'), 'bal"ance': 3.5, 'st`at us': 'plain', "a;b'c": 3 },
    ]);
    const dir = tempDir();
    const md = writeMetadata(dir, {
      version: 1,
      connection: c.connection,
      entities: [{ name: 'who', key: 'order' }],
      groups: [
        {
          name: 'g',
          entity: 'who',
          table: TABLE,
          event_time: 'select',
          features: [
            { name: 'balance', type: 'float', column: 'bal"ance' },
            { name: 'status', type: 'string', column: 'st`at us' },
            { name: 'n', type: 'int', column: "a;b'c" },
          ],
        },
      ],
    });
    const csvKey = (k: string) => (/[",]/.test(k) ? `"${k.replaceAll('"', '""')}"` : k);
    writeFile(dir, 'labels.csv', `order,event_timestamp\n${csvKey(HOSTILE)},2024-01-02\n${csvKey(QUOTED)},2024-01-02\nplain' OR '1'='1,2024-01-02\n`);

    const exp = await runCli(['export', '-m', md, '-f', 'g.*', '--snapshot-date', '2024-01-02', '--key', HOSTILE, '--format', 'jsonl']);
    expect(exp.stderr).toBe('');
    expect(exp.stdout).toBe(`${JSON.stringify({ order: HOSTILE, balance: 1.5, status: 'evil', n: 1 })}\n`);

    const all = await runCli(['export', '-m', md, '-f', 'g.*', '--snapshot-date', '2024-01-02', '--format', 'jsonl']);
    expect(all.stdout.trim().split('\n').map((l) => (JSON.parse(l) as { order: string }).order).sort()).toEqual([HOSTILE, QUOTED, 'plain'].sort());

    for (const strategy of ['database', 'merge']) {
      const joined = await runCli(['join', '-m', md, '-f', 'g.*', '--input-file', join(dir, 'labels.csv'), '--strategy', strategy, '--format', 'jsonl']);
      expect(joined.stderr).toBe('');
      expect(joined.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>)).toEqual([
        { order: HOSTILE, event_timestamp: '2024-01-02', balance: 1.5, status: 'evil', n: 1 },
        { order: QUOTED, event_timestamp: '2024-01-02', balance: 2.5, status: 'quoted', n: 2 },
        // Looks like a tautology in SQL; as data it is just a key nobody has.
        { order: "plain' OR '1'='1", event_timestamp: '2024-01-02', balance: null, status: null, n: null },
      ]);
    }
    expect((await c.admin(TABLE).count({ n: '*' }))[0]!.n).toEqual(c.storage === 'postgres' ? '3' : 3);
  });
});
