/**
 * SPEC §5 on Trino: a read-only Database runs every statement in a READ ONLY transaction,
 * which Trino enforces whatever the connector. Shown with a user the cluster lets write,
 * so the refusal comes from the transaction, not from the user's rights.
 */
import { expect, it } from 'vitest';
import { openDatabase } from '../../src/db/open.js';
import { describeEngines } from '../support/engines.js';

describeEngines(
  'Trino read-only transaction',
  (ctx) => {
    it('refuses a write in a read-only session, and the same write passes in a writable one', async () => {
      const { admin, connection } = ctx();
      await admin.schema.createTable('t', (t) => t.integer('a'));
      const inner = connection['connection'] as Record<string, unknown>;
      const spec = { config: { client: 'trino', connection: { ...inner, user: 'spellbook_writer' } }, readOnly: false, secrets: [] };
      const insert = { sql: 'INSERT INTO t VALUES (?)', parameters: [1] };
      const ro = await openDatabase(spec, { readOnly: true });
      try {
        await expect(ro.driver.all(insert)).rejects.toThrow('database error: Cannot execute write in a read-only transaction');
        // The aborted transaction is replaced: the session goes on reading.
        expect(await ro.driver.all({ sql: 'SELECT count(*) AS n FROM t', parameters: [] })).toEqual([{ n: 0 }]);
      } finally {
        await ro.close();
      }
      const rw = await openDatabase(spec, { readOnly: false });
      try {
        await rw.driver.all(insert);
      } finally {
        await rw.close();
      }
      expect(await admin('t').select('a')).toEqual([{ a: 1 }]);
    });
  },
  { engines: ['trino'] },
);
