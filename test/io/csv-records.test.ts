import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { csvRecords, openCsv, utf8Text, type CsvFile } from '../../src/io/csv-records.js';
import { tempDir } from '../support/cli.js';

async function read(csv: CsvFile) {
  const out: { fields: string[]; line: number }[] = [];
  for await (const r of csvRecords(csv)) out.push({ fields: r.fields, line: r.line });
  return out;
}

describe('csv records', () => {
  const dir = tempDir();
  let n2 = 0;

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

  it('decodes characters of 2 to 4 bytes cut by a read chunk\'s end (64 KiB) whole, and drops only a leading BOM', async () => {
    const CHUNK = 1 << 16;
    await fc.assert(
      fc.asyncProperty(fc.constantFrom('é', '€', '𝄞', '\ufeff'), fc.integer({ min: 1, max: 4 }), fc.boolean(), async (char, before, bom) => {
        // The character's first byte `before` bytes ahead of a chunk's end: every cut of it, and none.
        const head = (bom ? '\ufeff' : '') + 'a'.repeat(CHUNK - before - (bom ? 3 : 0));
        const text = head + char + 'z'.repeat(100) + char;
        const path = join(dir, `cut${n2++}.txt`);
        writeFileSync(path, text);
        let got = '';
        for await (const piece of utf8Text(path)) got += piece;
        expect(got).toBe(bom ? text.slice(1) : text);
      }),
      { numRuns: 40 },
    );
  });

  it('names the byte and line of invalid UTF-8 beyond the first chunk, and a file that ends inside a character', async () => {
    const CHUNK = 1 << 16;
    const line = 'x'.repeat(99) + '\n';
    const bad = join(dir, 'bad-utf8.txt');
    // Line 700 (bytes 69,900 on) holds a lone continuation byte at byte 69,905.
    writeFileSync(bad, Buffer.concat([Buffer.from(line.repeat(699) + 'yyyyy'), Buffer.from([0x80]), Buffer.from('\n')]));
    expect(CHUNK).toBeLessThan(69_905);
    await expect((async () => { for await (const _ of utf8Text(bad, 'bad.csv')) void _; })()).rejects.toThrow('bad.csv:700: invalid UTF-8 near byte 69905: save the file as UTF-8');
    const cut = join(dir, 'cut-utf8.txt');
    writeFileSync(cut, Buffer.concat([Buffer.from(line.repeat(3)), Buffer.from('€').subarray(0, 2)]));
    await expect((async () => { for await (const _ of utf8Text(cut, 'cut.csv')) void _; })()).rejects.toThrow('cut.csv:4: invalid UTF-8: the file ends inside a character');
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
