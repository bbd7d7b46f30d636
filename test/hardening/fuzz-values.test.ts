/**
 * Any text bound into a statement comes back from every engine exactly as sent: the
 * database half of the fuzzing (fuzz.test.ts holds the database-free half).
 */
import fc from 'fast-check';
import { expect, it } from 'vitest';
import { describeEngines } from '../support/engines.js';
import { withDatabase } from '../db/helpers.js';

const RUNS = Number(process.env['SPELLBOOK_PROPERTY_RUNS'] ?? 100);

/**
 * Label values reach the database two ways: as bound parameters, and as one JSON array
 * parameter unpacked by the dialect's jsonRows (chunks of file labels). On Trino both
 * travel as literals in the statement text (EXECUTE IMMEDIATE … USING), so this is the
 * renderer's fuzz against the real parser: any text, quotes, backslashes, emoji and
 * control characters included, must come back exactly as sent. (NUL is left out:
 * PostgreSQL's text cannot hold it.)
 */
const anyText = fc.oneof(fc.string({ unit: 'binary' }), fc.array(fc.constantFrom("'", "''", '\\', '?', '"', ';', '--', '/*', '$1', '\n', 'é', '😀', ' '), { maxLength: 12 }).map((p) => p.join(''))).map((t) => t.replaceAll('\u0000', ''));

describeEngines('fuzzing bound values', (ctx, engine) => {
  it('any text bound as a parameter or inside a JSON parameter comes back unchanged', async () => {
    await withDatabase(ctx(), { readOnly: true }, async (db) => {
      const d = db.compiler;
      await fc.assert(
        fc.asyncProperty(fc.array(anyText, { minLength: 1, maxLength: 8 }), async (texts) => {
          const list = texts.map((_, i) => `${d.placeholder(i + 1)} AS ${d.quoteIdentifier(`v${i}`)}`).join(', ');
          const [row] = await db.driver.all({ sql: `SELECT ${list}`, parameters: texts });
          expect(texts.map((_, i) => row![`v${i}`])).toEqual(texts);
          const unpacked = await db.driver.all({
            sql: `SELECT ${d.quoteIdentifier('s')} FROM ${d.jsonRows(d.placeholder(1), 'j', [{ name: 's', type: 'string' }])}`,
            parameters: [JSON.stringify(texts.map((t) => [t]))],
          });
          expect(unpacked.map((r) => r['s']).sort()).toEqual([...texts].sort());
        }),
        { numRuns: Math.max(5, Math.round(RUNS / 5)) },
      );
    });
  });

  // Only PostgreSQL's compiler binds labels as one array a column (arrayRows); the
  // driver writes those arrays' literals itself (array-literal.ts).
  it.skipIf(engine !== 'postgres')('any text, number or NULL bound in an array parameter comes back unchanged', async () => {
    await withDatabase(ctx(), { readOnly: true }, async (db) => {
      const d = db.compiler;
      const number = fc.oneof(fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }));
      await fc.assert(
        fc.asyncProperty(fc.array(fc.tuple(fc.option(anyText), fc.option(number)), { minLength: 1, maxLength: 8 }), async (pairs) => {
          const rows = d.arrayRows!([d.placeholder(1), d.placeholder(2)], 'a', [
            { name: 's', type: 'string' },
            { name: 'n', type: 'float' },
          ]);
          const got = await db.driver.all({ sql: `SELECT ${d.quoteIdentifier('s')}, ${d.quoteIdentifier('n')} FROM ${rows}`, parameters: [pairs.map((p) => p[0]), pairs.map((p) => p[1])] });
          // -0 is written as 0, as pg writes it.
          expect(got.map((r) => [r['s'], r['n']])).toEqual(pairs.map(([s, n]) => [s, n === null ? null : n === 0 ? 0 : n]));
        }),
        { numRuns: Math.max(5, Math.round(RUNS / 5)) },
      );
    });
  });
});
