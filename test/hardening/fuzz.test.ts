/**
 * Any input ends in a result or a defined error, never a crash: raw bytes as a metadata
 * file, CSV-shaped and raw bytes as a labels file, any text for the timestamp, epoch and
 * duration parsers. (test/metadata/property.test.ts fuzzes the loader with YAML-shaped text;
 * fuzz-values.test.ts sends any text to every engine as a bound value.)
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SpellbookError } from '../../src/errors.js';
import { openCsvLabels, readLabels } from '../../src/io/labels.js';
import { loadMetadata, parseMetadata } from '../../src/metadata/index.js';
import { parseDuration } from '../../src/time/duration.js';
import { parseEpoch, parseInstant } from '../../src/time/instant.js';

const RUNS = Number(process.env['SPELLBOOK_PROPERTY_RUNS'] ?? 100);
const dir = mkdtempSync(join(tmpdir(), 'spellbook-fuzz-'));
let n = 0;

function file(content: string | Uint8Array): string {
  const path = join(dir, `f${n++}`);
  writeFileSync(path, content);
  return path;
}

/** Resolves to the error's code, or 'ok'; anything but a SpellbookError fails the property. */
async function outcome(run: () => Promise<unknown>): Promise<string> {
  try {
    await run();
    return 'ok';
  } catch (err) {
    if (!(err instanceof SpellbookError)) throw err;
    expect(err.message.split('\n')[0]!.length).toBeLessThan(400);
    return err.code;
  }
}

const md = parseMetadata(
  'version: 1\nentities:\n  - name: user\n    key: [user_id, kind]\n    type: [int, string]\ngroups: []\n',
  { path: 'm.yml', file: join(dir, 'm.yml'), env: {} },
);
const user = md.entities[0]!;

const labels = (path: string) =>
  outcome(async () => {
    const l = await readLabels(await openCsvLabels(path), { timestampColumn: 'ts', entities: [{ entity: user, columns: ['user_id', 'kind'] }], encodePrefix: (f) => f.length });
    for (let i = 0; i < l.count; i++) expect(Number.isInteger(l.times[i])).toBe(true);
    for await (const p of l.prefixes()) expect(p).toBe(l.header.length);
  });

/** Pieces that make CSV interesting: separators, quotes, line ends, BOMs, bad bytes, plausible values. */
const csvPiece = fc.constantFrom(',', '"', '""', '\n', '\r\n', '\r', '\uFEFF', '\uFFFD', ' ', 'user_id', 'kind', 'ts', '1', '-7', '007', '1e3', '2024-03-01', '2024-03-01T12:00:00+02:00', '2024-02-30', 'x', 'é', '😀', '\u0000');

describe('fuzzing', () => {
  it('a metadata file of arbitrary bytes loads or is METADATA_INVALID', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 300 }), async (bytes) => {
        expect(['ok', 'METADATA_INVALID']).toContain(await outcome(() => loadMetadata(file(bytes), { env: {} })));
      }),
      { numRuns: RUNS },
    );
  });

  it('a labels file of CSV-shaped text is read or is BAD_INPUT', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(csvPiece, { maxLength: 40 }), async (pieces) => {
        const text = 'user_id,kind,ts\n' + pieces.join('');
        expect(['ok', 'BAD_INPUT']).toContain(await labels(file(text)));
      }),
      { numRuns: RUNS * 3 },
    );
  });

  it('a labels file of arbitrary bytes is read or is BAD_INPUT', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 200 }), async (bytes) => {
        expect(['ok', 'BAD_INPUT']).toContain(await labels(file(Buffer.concat([Buffer.from('user_id,kind,ts\n'), bytes]))));
      }),
      { numRuns: RUNS },
    );
  });

  it('the timestamp, epoch and duration parsers return a value or undefined for any text', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.stringMatching(/^[0-9:T+\-. Z]{0,30}$/)), (text) => {
        for (const t of [parseInstant(text), parseEpoch(text, 's'), parseEpoch(text, 'ms')]) {
          if (t !== undefined) expect(Number.isSafeInteger(t) && Math.abs(t) <= 8.64e15).toBe(true);
        }
        const d = parseDuration(text);
        if (d !== undefined) expect(Number.isFinite(d) && d >= 0).toBe(true);
      }),
      { numRuns: RUNS * 10 },
    );
  });
});

