/**
 * Errors as data (issue 9): a SpellbookError keeps its place — file, line, column, value —
 * as properties a program can read (as csv-parse's CsvError does), and under --json the
 * CLI prints the error as JSON on stdout, oclif's convention, instead of a line on stderr.
 */
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { BadInputError, MetadataError, openSpellbook, SpellbookError } from 'spellbook-feature-store';
import { runCli, tempDir, writeFile, writeMetadata } from '../support/cli.js';
import { describeEngines, type EngineContext } from '../support/engines.js';
import { at, createTable } from '../support/tables.js';
import { IMPORT_REFUSAL } from '../import/helpers.js';

const BAD_METADATA = [
  'version: 1',
  'entities:',
  '  - name: user',
  '    key: user_id',
  'groups:',
  '  - name: account',
  '    entity: user',
  '    ttl: 3 days',
  '    features:',
  '      - name: balance',
  '        type: float',
  '        colum: bal',
  '',
].join('\n');

async function rejection(promise: Promise<unknown>): Promise<SpellbookError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(err instanceof SpellbookError)) throw new Error(`expected a SpellbookError, got ${String(err)}`);
  return err;
}

it('a metadata error lists every problem with its file, line and character column', async () => {
  const file = writeFile(tempDir(), 'metadata.yml', BAD_METADATA);
  const err = await rejection(openSpellbook({ metadata: file }));
  expect(err).toBeInstanceOf(MetadataError);
  expect(err.location).toEqual({ file, line: 8 });
  expect(err.problems).toEqual([
    { file, line: 8, col: 5, message: "groups[0].ttl: needs event_time (a static group's rows never age)" },
    { file, line: 8, col: 10, message: 'groups[0].ttl: expected a duration like 30d, got "3 days"' },
    { file, line: 12, col: 9, message: 'groups[0].features[0]: unknown key "colum" (did you mean "column"?)' },
  ]);
});

it('under --json an error is JSON on stdout, with code, exit code, message and location; nothing on stderr', async () => {
  const dir = tempDir();
  const file = writeFile(dir, 'metadata.yml', BAD_METADATA);
  const r = await runCli(['validate', '-m', file, '--json']);
  expect(r.code).toBe(2);
  expect(r.stderr).toBe('');
  expect(JSON.parse(r.stdout)).toEqual({
    error: {
      code: 'METADATA_INVALID',
      exitCode: 2,
      message: [
        `${file}:8:5: groups[0].ttl: needs event_time (a static group's rows never age)`,
        `${file}:8:10: groups[0].ttl: expected a duration like 30d, got "3 days"`,
        `${file}:12:9: groups[0].features[0]: unknown key "colum" (did you mean "column"?)`,
      ].join('\n'),
      file,
      line: 8,
      problems: [
        { file, line: 8, col: 5, message: "groups[0].ttl: needs event_time (a static group's rows never age)" },
        { file, line: 8, col: 10, message: 'groups[0].ttl: expected a duration like 30d, got "3 days"' },
        { file, line: 12, col: 9, message: 'groups[0].features[0]: unknown key "colum" (did you mean "column"?)' },
      ],
    },
  });
});

it('under --json a usage error and a name that does not exist are JSON too', async () => {
  const dir = tempDir();
  const metadata = writeMetadata(dir, {
    version: 1,
    entities: [{ name: 'user', key: 'user_id' }],
    groups: [{ name: 'account', entity: 'user', features: [{ name: 'balance', type: 'float' }] }],
  });
  const flag = await runCli(['get', 'meta', 'all', '-m', metadata, '--json', '--colour']);
  expect([flag.code, flag.stderr, JSON.parse(flag.stdout)]).toEqual([
    2,
    '',
    { error: { code: 'USAGE', exitCode: 2, message: 'Nonexistent flag: --colour (see --help)' } },
  ]);
  const name = await runCli(['get', 'meta', 'group', 'acount', '-m', metadata, '--json']);
  expect([name.code, name.stderr, JSON.parse(name.stdout)]).toEqual([
    2,
    '',
    { error: { code: 'NOT_FOUND', exitCode: 2, message: 'unknown group "acount" (did you mean "account"?)' } },
  ]);
  // Without --json the same error is one line on stderr, and stdout stays empty.
  const plain = await runCli(['get', 'meta', 'group', 'acount', '-m', metadata]);
  expect([plain.code, plain.stdout, plain.stderr]).toEqual([2, '', 'Error: unknown group "acount" (did you mean "account"?)\n']);
});

it('a metadata file that is not there: its path is the error\'s file', async () => {
  const missing = join(tempDir(), 'nowhere.yml');
  const r = await runCli(['validate', '-m', missing, '--json']);
  expect([r.code, r.stderr, JSON.parse(r.stdout)]).toEqual([
    2,
    '',
    { error: { code: 'METADATA_NOT_FOUND', exitCode: 2, message: `metadata file not found: ${missing} (set --metadata or SPELLBOOK_METADATA)`, file: missing } },
  ]);
});

describeEngines('errors carry their place as properties', (ctx, engine) => {
  async function setup(c: EngineContext): Promise<{ dir: string; metadata: string }> {
    await createTable(c, 'accounts', { user_id: 'int', updated_at: 'time', balance: 'float' }, [{ user_id: 1, updated_at: at('2024-01-01'), balance: 1 }]);
    const dir = tempDir();
    const metadata = writeMetadata(dir, {
      version: 1,
      connection: c.connection,
      entities: [{ name: 'user', key: 'user_id', type: 'int' }],
      groups: [{ name: 'account', entity: 'user', table: 'accounts', event_time: 'updated_at', features: [{ name: 'balance', type: 'float' }] }],
    });
    return { dir, metadata };
  }

  it('a bad label value: file, line, column and value', async () => {
    const { dir, metadata } = await setup(ctx());
    const labels = writeFile(dir, 'labels.csv', 'user_id,event_timestamp\n1,2024-01-02\n1,2024-13-01\n');
    const book = await openSpellbook({ metadata });
    try {
      const err = await rejection((async () => {
        for await (const _ of book.join({ features: ['account.balance'], inputFile: labels }));
      })());
      expect(err).toBeInstanceOf(BadInputError);
      expect(err.location).toEqual({ file: labels, line: 3, column: 'event_timestamp', value: '2024-13-01' });
      expect(err.toJSON()).toMatchObject({ code: 'BAD_INPUT', exitCode: 2, file: labels, line: 3, column: 'event_timestamp', value: '2024-13-01' });
    } finally {
      await book.close();
    }
  });

  // Where import refuses the engine before reading its file (Trino), no value is ever read;
  // that refusal is tested in test/import.
  it.skipIf(IMPORT_REFUSAL[engine] !== null)('a bad import value: file, line, column and value', async () => {
    const { dir, metadata } = await setup(ctx());
    const file = writeFile(dir, 'accounts.csv', 'user_id,updated_at,balance\n2,2024-01-02,3.5\n2,2024-01-03,abc\n');
    const book = await openSpellbook({ metadata });
    try {
      const err = await rejection(book.import({ group: 'account', inputFile: file }));
      expect(err.message).toBe(`${file}:3: balance: "abc" is not a float`);
      expect(err.location).toEqual({ file, line: 3, column: 'balance', value: 'abc' });
    } finally {
      await book.close();
    }
  });

});
