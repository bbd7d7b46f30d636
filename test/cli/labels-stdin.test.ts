/**
 * `join -i -` and `-i /dev/stdin` read the labels from standard input, which can be read
 * only once while a join reads its labels several times: the input is spooled to a
 * temporary file, removed when the run ends. Plain and quoted labels (the two CSV
 * readers), both strategies, errors naming `stdin`, on every engine.
 */
import { execFile } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { describeEngines, type EngineContext } from '../support/engines.js';
import { at, createTable } from '../support/tables.js';
import { ROOT, runCliProcess, tempDir, writeFile, writeMetadata, type CliResult } from '../support/cli.js';

/** A command line run by bash, for what only a shell makes: a real pipe (a FIFO), a redirect, `<(…)`. */
function shell(command: string, cwd: string): Promise<CliResult> {
  return new Promise((done) => {
    execFile('bash', ['-c', command], { cwd, env: { ...process.env, NO_COLOR: '1', SPELLBOOK: `${process.execPath} ${join(ROOT, 'bin', 'run.js')}` } }, (err, stdout, stderr) =>
      done({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr }),
    );
  });
}

async function world(ctx: EngineContext): Promise<string> {
  await createTable(ctx, 'balances', { user_id: 'int', t: 'time', balance: 'float' }, [
    { user_id: 7, t: at('2024-01-01'), balance: 70 },
    { user_id: 8, t: at('2024-01-03'), balance: 80 },
  ]);
  const dir = tempDir();
  writeMetadata(dir, {
    version: 1,
    connection: ctx.connection,
    entities: [{ name: 'user', key: 'user_id', type: 'int' }],
    groups: [{ name: 'account', entity: 'user', table: 'balances', event_time: 't', features: [{ name: 'balance', type: 'float' }] }],
  });
  return dir;
}

const PLAIN = 'user_id,event_timestamp,note\n7,2024-01-02,a\n8,2024-01-02,b\n8,2024-01-04,c\n';
const QUOTED = 'user_id,event_timestamp,note\n7,2024-01-02,"a, quoted"\n8,2024-01-02,b\n8,2024-01-04,"multi\nline"\n';

describeEngines('labels on standard input', (ctx) => {
  it('-i - and -i /dev/stdin give the rows a file gives, with either strategy, and leave no temporary file', async () => {
    const dir = await world(ctx());
    const plain = 'user_id,event_timestamp,note,balance\n7,2024-01-02,a,70\n8,2024-01-02,b,\n8,2024-01-04,c,80\n';
    const quoted = 'user_id,event_timestamp,note,balance\n7,2024-01-02,"a, quoted",70\n8,2024-01-02,b,\n8,2024-01-04,"multi\nline",80\n';
    // The spooled copy goes to TMPDIR: one of the test's own, so it can be seen to be gone.
    const temp = tempDir();
    for (const [input, labels, strategy, expected] of [
      ['-', PLAIN, 'merge', plain],
      ['-', QUOTED, 'database', quoted],
      ['/dev/stdin', QUOTED, 'merge', quoted],
      ['/dev/stdin', PLAIN, 'auto', plain],
    ] as const) {
      const r = await runCliProcess(['join', '-i', input, '-f', 'account.balance', '--strategy', strategy], { cwd: dir, input: labels, env: { TMPDIR: temp } });
      expect([r.code, r.stderr, r.stdout], `${input} ${strategy}`).toEqual([0, '', expected]);
    }
    expect(readdirSync(temp)).toEqual([]);
    // Four spawned runs; on Trino each is a few cluster round trips on a busy machine.
  }, 120_000);

  it('a shell pipe, a redirect and process substitution', async () => {
    const dir = await world(ctx());
    writeFile(dir, 'labels.csv', QUOTED);
    const expected = 'user_id,event_timestamp,note,balance\n7,2024-01-02,"a, quoted",70\n8,2024-01-02,b,\n8,2024-01-04,"multi\nline",80\n';
    for (const command of [
      'cat labels.csv | $SPELLBOOK join -i - -f account.balance',
      'cat labels.csv | $SPELLBOOK join -i /dev/stdin -f account.balance',
      '$SPELLBOOK join -i /dev/stdin -f account.balance < labels.csv',
      '$SPELLBOOK join -i - -f account.balance < labels.csv',
      '$SPELLBOOK join -i <(cat labels.csv) -f account.balance',
    ]) {
      const r = await shell(command, dir);
      expect([r.code, r.stderr, r.stdout], command).toEqual([0, '', expected]);
    }
  }, 120_000);

  it('a bad row is named as stdin:LINE; an empty standard input is an empty file', async () => {
    const dir = await world(ctx());
    const bad = await runCliProcess(['join', '-i', '-', '-f', 'account.balance'], { cwd: dir, input: 'user_id,event_timestamp\n7,2024-01-02\n7,yesterday\n' });
    expect([bad.code, bad.stderr]).toEqual([2, 'Error: stdin:3: event_timestamp: "yesterday" is not a timestamp (expected ISO 8601 like 2024-03-01 or 2024-03-01T12:00:00Z)\n']);
    const empty = await runCliProcess(['join', '-i', '-', '-f', 'account.balance'], { cwd: dir, input: '' });
    expect([empty.code, empty.stderr]).toEqual([2, 'Error: stdin:1: the file is empty: expected a header row\n']);
  });
});
