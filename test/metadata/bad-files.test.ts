/**
 * Every malformed file under test/fixtures/metadata/bad/ and the exact text a user sees:
 * `FILE:LINE:COL: message` lines, all problems at once, in source order.
 */
import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { SpellbookError } from '../../src/errors.js';
// The library's loadMetadata: the metadata loader's checks, and the engines' on connection:.
import { loadMetadata } from '../../src/index.js';

const BAD = fileURLToPath(new URL('../fixtures/metadata/bad/', import.meta.url));

/** Expected lines without the `FILE:` prefix, which the test adds (the path as passed). */
const CASES: Record<string, string[]> = {
  'yaml-syntax.yml': ['5:1: invalid YAML: Flow sequence in block collection must be sufficiently indented and end with a ]'],
  'duplicate-yaml-key.yml': ['5:5: duplicate key "key" in a mapping'],
  'empty.yml': ['1:1: expected a mapping with keys version, entities and groups, got an empty file'],
  'comments-only.yml': ['1:1: expected a mapping with keys version, entities and groups, got an empty file'],
  'list-not-mapping.yml': ['1:1: expected a mapping with keys version, entities and groups, got a list'],
  'unknown-top-level-key.yml': ['2:1: unknown key "owner"'],
  'misspelled-key.yml': ['13:9: groups[0].features[1]: unknown key "colum" (did you mean "column"?)'],
  'wrong-version.yml': ['1:10: version: expected 1, got 2'],
  'bad-ttl.yml': ['14:7: groups[0].ttl: expected a duration like 30d, got "30 days"'],
  'unknown-entity.yml': ['9:13: groups[0].entity: expected one of the entities user, merchant, got "usr" (did you mean "user"?)'],
  'duplicate-group.yml': ['11:11: groups[1].name: duplicate group "account", first defined on line 6'],
  'duplicate-feature.yml': ['13:15: groups[0].features[2].name: duplicate feature "balance" in group "account", first defined on line 9'],
  'bad-feature-type.yml': [
    '10:15: groups[0].features[0].type: expected one of string, int, float, bool, timestamp, date, got "double"',
    '12:15: groups[0].features[1].type: expected one of string, int, float, bool, timestamp, date, got "strng" (did you mean "string"?)',
  ],
  'table-and-query.yml': ['9:5: groups[0]: expected either table or query, got both'],
  'composite-type-mismatch.yml': ['5:11: entities[0].type: expected 2 types, one per key column (user_id, merchant_id), got 1'],
  'entity-columns-mismatch.yml': [
    '9:21: groups[0].entity_columns: expected 2 columns, one per key column of entity "user_merchant" (user_id, merchant_id), got 1',
  ],
  'missing-required.yml': [
    '11:5: groups[1]: missing required key "entity"',
    '13:9: groups[1].features[0]: missing required key "type"',
  ],
  'wrong-scalar-type.yml': [
    '5:18: entities[0].description: expected a string, got 42',
    '9:12: groups[0].table: expected a string, got 2024',
  ],
  'bad-key.yml': [
    '4:10: entities[0].key: expected a column name or a list of column names, got 42',
    '6:20: entities[1].key[1]: expected a string, got 7',
    '7:17: entities[1].type[1]: expected one of string, int, got "long"',
  ],
  'duplicate-key-columns.yml': [
    '4:20: entities[0].key[1]: expected distinct column names, got "user_id" twice',
    '10:10: groups[0].ttl: expected a positive duration like 30d, got "0d"',
  ],
  'unit-without-event-time.yml': ['8:5: groups[0].event_time_unit: needs event_time, the column whose epochs it describes'],
  'ttl-without-event-time.yml': ['8:5: groups[0].ttl: needs event_time (a static group\'s rows never age)'],
  'created-time-without-event-time.yml': [
    '8:5: groups[0].created_time: needs event_time (created_time only breaks ties between equal event times)',
  ],
  'name-with-dot.yml': [
    '6:11: groups[0].name: expected a name of letters, digits and _ not starting with a digit, got "account.v2"',
    '9:15: groups[0].features[0].name: expected a name of letters, digits and _ not starting with a digit, got "balance.eur"',
  ],
  'undefined-env.yml': ['7:15: connection.connection.password: environment variable DB_PASSWORD is not set'],
  'bad-connection-url.yml': [
    '2:13: connection: expected sqlite:PATH, a file path, postgres://…, mysql://… or trino://…, got "oracle://scott:***@db.internal/shop"',
  ],
  'alias-cycle.yml': ['4:10: connection.again: alias *conn refers to a value that contains it'],
  'multi-statement.yml': ['8:12: groups[0].query: expected one SQL statement, got a second one after ";": "DROP TABLE accounts"'],
  'aggregates.yml': [
    '13:9: groups[0].features[0].aggregate: needs window, the span of event times to aggregate over (window: 7d)',
    '15:15: groups[0].features[1].type: expected float for aggregate avg, got "int"',
    '22:9: groups[0].features[2].window: needs aggregate (count, sum, avg, min or max): a window is what an aggregate is computed over',
    '24:15: groups[0].features[3].type: expected int or float for aggregate sum, got "string"',
    '26:17: groups[0].features[3].window: expected a positive duration like 7d, got "0d"',
    '28:15: groups[0].features[4].type: expected int, float, timestamp, date or string for aggregate min, got "bool"',
    '30:17: groups[0].features[4].window: expected a duration like 7d, got "1 week"',
    '33:20: groups[0].features[5].aggregate: expected one of count, sum, avg, min, max, got "median"',
    "40:9: groups[1].features[0].aggregate: needs the group's event_time (a window is a span of event times; a static group has none)",
  ],
  'several-problems.yml': [
    '2:1: unknown key "entites" (did you mean "entities"?)',
    '7:11: entities[0].type: expected one of string, int, got "integer"',
    '8:11: entities[1].name: duplicate entity "user", first defined on line 5',
    '12:13: groups[0].entity: expected one of the entities user, got "customer"',
    "13:5: groups[0].ttl: needs event_time (a static group's rows never age)",
    '13:10: groups[0].ttl: expected a duration like 30d, got "30 days"',
    '17:9: groups[0].features[0]: unknown key "colum" (did you mean "column"?)',
    '18:15: groups[0].features[1].name: duplicate feature "balance" in group "account", first defined on line 15',
    '20:5: groups[1]: missing required key "name"',
    '21:5: groups[1].event_time_unit: needs event_time, the column whose epochs it describes',
    '22:15: groups[1].features: expected a non-empty list of features, got an empty list',
  ],
};

describe('malformed metadata files', () => {
  it('has an expectation for every fixture file, and a fixture for every expectation', () => {
    expect(Object.keys(CASES).sort()).toEqual(readdirSync(BAD).filter((f) => f.endsWith('.yml')).sort());
  });

  it.each(Object.entries(CASES))('%s', async (name, expected) => {
    // The FILE part is the path as the caller wrote it, so pass a relative one.
    const path = relative(process.cwd(), join(BAD, name));
    const err = await loadMetadata(path, { env: {} }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(SpellbookError);
    const e = err as SpellbookError;
    expect(e.code).toBe('METADATA_INVALID');
    expect(e.exitCode).toBe(2);
    expect(e.message).toBe(expected.map((line) => `${path}:${line}`).join('\n'));
  });
});
