/**
 * Whatever bytes a metadata file holds, loading ends in a Metadata or a SpellbookError
 * (METADATA_INVALID, exit 2) — never a TypeError from a check that trusted the input.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { SpellbookError } from '../../src/errors.js';
import { loadMetadata } from '../../src/metadata/index.js';

const dir = mkdtempSync(join(tmpdir(), 'spellbook-md-prop-'));
let n = 0;

async function outcome(text: string): Promise<'ok' | 'invalid'> {
  const file = join(dir, `m${n++}.yml`);
  writeFileSync(file, text);
  try {
    const md = await loadMetadata(file, { env: { SET: 'value' } });
    expect(md.version).toBe(1);
    // What later stages rely on without checking again.
    for (const g of md.groups) {
      expect(md.entities).toContain(g.entity);
      expect(g.entityColumns).toHaveLength(g.entity.keyColumns.length);
      expect(g.features.length).toBeGreaterThan(0);
      for (const f of g.features) expect(f.fullName).toBe(`${g.name}.${f.name}`);
    }
    for (const e of md.entities) expect(e.keyTypes).toHaveLength(e.keyColumns.length);
    return 'ok';
  } catch (err) {
    if (!(err instanceof SpellbookError)) throw err;
    expect(err.code).toBe('METADATA_INVALID');
    expect(err.exitCode).toBe(2);
    // Every line names the file and a position.
    for (const line of err.message.split('\n')) expect(line.startsWith(`${file}:`)).toBe(true);
    return 'invalid';
  }
}

/** Values shaped like metadata, often wrong in small ways, so the semantic checks get exercised. */
const word = fc.constantFrom('user', 'account', 'balance', 'user_id', 'a.b', '', '1x', 'type', 'colum', '${SET}', '${UNSET}');
const scalar = fc.oneof(word, fc.integer(), fc.boolean(), fc.constant(null), fc.string());
const names = fc.oneof(word, fc.array(word, { maxLength: 3 }), scalar);
const feature = fc.record(
  { name: word, type: fc.constantFrom('string', 'int', 'float', 'bool', 'timestamp', 'date', 'double'), column: word, colum: word, description: scalar },
  { requiredKeys: [] },
);
const group = fc.record(
  {
    name: word,
    entity: word,
    table: scalar,
    query: fc.constantFrom('SELECT 1', 'SELECT 1;', 'SELECT 1; SELECT 2', "SELECT ';'", ' ', 'SELECT $$;$$ x'),
    entity_columns: names,
    event_time: scalar,
    event_time_unit: fc.constantFrom('s', 'ms', 'h'),
    created_time: scalar,
    ttl: fc.constantFrom('30d', '0d', '30 days', '1w', '99999999999999999999d', 7),
    features: fc.oneof(fc.array(feature, { maxLength: 3 }), scalar),
  },
  { requiredKeys: [] },
);
const entity = fc.record({ name: word, key: names, type: fc.oneof(names, fc.constantFrom('int', 'string', ['int', 'string'])) }, { requiredKeys: [] });
const connection = fc.oneof(
  fc.constantFrom('sqlite:x.db', 'postgres://u:${SET}@h/db', 'oracle://x', '${UNSET}', 'x.db'),
  fc.record({ client: fc.constantFrom('pg', 'sqlite3', 'oracle'), connection: fc.anything(), read_only: fc.oneof(fc.boolean(), scalar) }, { requiredKeys: [] }),
  fc.anything(),
);
const metadataLike = fc.record(
  {
    version: fc.constantFrom(1, 2, '1'),
    connection,
    entities: fc.oneof(fc.array(entity, { maxLength: 3 }), scalar),
    groups: fc.oneof(fc.array(group, { maxLength: 3 }), scalar),
    extra: scalar,
  },
  { requiredKeys: ['version', 'entities', 'groups'] },
);

describe('loading never fails with anything but a SpellbookError', () => {
  it('for arbitrary text', async () => {
    await fc.assert(fc.asyncProperty(fc.string({ maxLength: 200 }), async (text) => void (await outcome(text))), { numRuns: 200 });
  });

  it('for arbitrary YAML values', async () => {
    await fc.assert(fc.asyncProperty(fc.anything(), async (value) => void (await outcome(stringify(value) ?? ''))), { numRuns: 200 });
  });

  it('for YAML-ish text made of metadata fragments', async () => {
    const fragment = fc.constantFrom('version: 1\n', 'entities:\n', 'groups:\n', '  - ', 'name: x\n', '[', ']', '{', '}', '&a ', '*a', ': ', '- ', '\t', '"', "'", '#', '\n', '  ', '---\n', '? ', '!!binary ', '<<: *a\n');
    await fc.assert(
      fc.asyncProperty(fc.array(fragment, { maxLength: 30 }), async (parts) => void (await outcome(parts.join('')))),
      { numRuns: 300 },
    );
  });

  it('for metadata-shaped values', async () => {
    await fc.assert(fc.asyncProperty(metadataLike, async (value) => void (await outcome(stringify(value)))), { numRuns: 400 });
  });

  it('for nearly valid metadata, and the valid ones load into a consistent model', async () => {
    const nearlyValid = fc.record({
      version: fc.constant(1),
      entities: fc.uniqueArray(
        fc.record({ name: fc.constantFrom('user', 'merchant', 'pair'), key: fc.constantFrom('id', ['a', 'b']) }),
        { selector: (e) => e.name, maxLength: 3 },
      ),
      groups: fc.array(
        fc.record(
          {
            name: fc.constantFrom('g1', 'g2', 'g3'),
            entity: fc.constantFrom('user', 'merchant', 'pair'),
            entity_columns: fc.constantFrom(['x'], ['x', 'y']),
            event_time: fc.constant('t'),
            ttl: fc.constantFrom('1d', '30 days'),
            features: fc.array(fc.record({ name: fc.constantFrom('f1', 'f2'), type: fc.constantFrom('int', 'date') }), {
              minLength: 1,
              maxLength: 2,
            }),
          },
          { requiredKeys: ['name', 'entity', 'features'] },
        ),
        { maxLength: 3 },
      ),
    });
    let loaded = 0;
    await fc.assert(
      fc.asyncProperty(nearlyValid, async (value) => {
        if ((await outcome(stringify(value))) === 'ok') loaded++;
      }),
      { numRuns: 300 },
    );
    // The model-building path is exercised too, not only the error paths.
    expect(loaded).toBeGreaterThan(10);
  });
});
