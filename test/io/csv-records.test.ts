import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { csvRecords, openCsv, type CsvFile } from '../../src/io/csv-records.js';
import { tempDir } from '../support/cli.js';

async function read(csv: CsvFile) {
  const out: { fields: string[]; line: number }[] = [];
  for await (const r of csvRecords(csv)) out.push({ fields: r.fields, line: r.line });
  return out;
}

describe('csv records', () => {
  const dir = tempDir();

  it('the plain reader and csv-parse agree on every file without quotes', async () => {
    const field = fc.stringMatching(/^[a-z0-9 :.\-üé]{0,6}$/);
    const file = fc.record({
      rows: fc.array(fc.array(field, { minLength: 3, maxLength: 3 }), { minLength: 1, maxLength: 8 }),
      blankAfter: fc.array(fc.boolean(), { minLength: 8, maxLength: 8 }),
      crlf: fc.boolean(),
      bom: fc.boolean(),
      finalNewline: fc.boolean(),
    });
    let n = 0;
    await fc.assert(
      fc.asyncProperty(file, async (f) => {
        const eol = f.crlf ? '\r\n' : '\n';
        const lines = f.rows.flatMap((r, i) => (f.blankAfter[i] ? [r.join(','), ''] : [r.join(',')]));
        const text = (f.bom ? '\ufeff' : '') + lines.join(eol) + (f.finalNewline ? eol : '');
        const path = join(dir, `f${n++}.csv`);
        writeFileSync(path, text);
        const opened = await openCsv(path);
        expect(opened.plain).toBe(true);
        // A row of three empty fields is ",," — not an empty line — so both keep it.
        expect(await read(opened)).toEqual(await read({ ...opened, plain: false }));
      }),
      { numRuns: 300 },
    );
  });

  it('files with quotes go through csv-parse: quoted separators, quotes and newlines, with the starting line', async () => {
    const path = join(dir, 'quoted.csv');
    writeFileSync(path, 'a,b\n1,"x, ""y""\nz"\n\n2,w\n');
    const opened = await openCsv(path);
    expect(opened.plain).toBe(false);
    expect(await read(opened)).toEqual([
      { fields: ['a', 'b'], line: 1 },
      { fields: ['1', 'x, "y"\nz'], line: 2 },
      { fields: ['2', 'w'], line: 5 },
    ]);
  });
});
