/**
 * A closed pipe is not an error: `spellbook export … | head -1` and `join … | head -1`
 * stop quietly, exit 0, once the output has outgrown the pipe's buffer and the reader
 * has gone. Run through bash so the pipe is a real one and `head` really exits early;
 * PIPESTATUS gives spellbook's own exit code. An --output file is untouched by any of it.
 */
import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { describeEngines, type EngineContext } from '../support/engines.js';
import { at, createTable } from '../support/tables.js';
import { BIN, tempDir, writeFile, writeMetadata } from '../support/cli.js';

/** Rows enough for several times a 64 KiB pipe buffer of output. */
const KEYS = 20_000;

async function world(ctx: EngineContext): Promise<string> {
  const rows = Array.from({ length: KEYS }, (_, i) => ({ user_id: i + 1, t: at('2024-01-01'), balance: i + 0.5 }));
  await createTable(ctx, 'balances', { user_id: 'int', t: 'time', balance: 'float' }, rows);
  const dir = tempDir();
  writeMetadata(dir, {
    version: 1,
    connection: ctx.connection,
    entities: [{ name: 'user', key: 'user_id', type: 'int' }],
    groups: [{ name: 'account', entity: 'user', table: 'balances', event_time: 't', features: [{ name: 'balance', type: 'float' }] }],
  });
  writeFile(dir, 'labels.csv', 'user_id,event_timestamp\n' + Array.from({ length: KEYS }, (_, i) => `${i + 1},2024-01-02\n`).join(''));
  return dir;
}

/** Runs `spellbook ARGS | head -1` in bash: what head printed, spellbook's stderr and exit code. */
function intoHead(args: string, cwd: string): Promise<{ head: string; stderr: string; code: number }> {
  const script = `${process.execPath} ${BIN} ${args} 2>stderr.txt | head -1; echo "exit=\${PIPESTATUS[0]}"`;
  return new Promise((done, fail) => {
    execFile('bash', ['-c', script], { cwd, env: { ...process.env, NO_COLOR: '1' } }, (err, stdout) => {
      if (err) return fail(err);
      const lines = stdout.trimEnd().split('\n');
      const status = lines.pop()!;
      done({ head: lines.join('\n'), stderr: readFileSync(join(cwd, 'stderr.txt'), 'utf8'), code: Number(status.replace('exit=', '')) });
    });
  });
}

describeEngines('a closed pipe', (ctx) => {
  // Without the fix: "Error: write EPIPE" and exit 1. Timeouts for a loaded machine, not speed targets.
  it('export | head -1 and join | head -1: the first line, then a quiet exit 0', { timeout: 120_000 }, async () => {
    const dir = await world(ctx());
    expect(await intoHead('export -f account.balance --snapshot-date 2024-01-02', dir)).toEqual({ head: 'user_id,balance', stderr: '', code: 0 });
    expect(await intoHead('join -i labels.csv -f account.balance', dir)).toEqual({ head: 'user_id,event_timestamp,balance', stderr: '', code: 0 });
  });

  it('with --output, a closed stdout changes nothing: the whole file is written', { timeout: 120_000 }, async () => {
    const dir = await world(ctx());
    const r = await intoHead('export -f account.balance --snapshot-date 2024-01-02 --output out.csv', dir);
    expect(r).toEqual({ head: '', stderr: '', code: 0 });
    const lines = readFileSync(join(dir, 'out.csv'), 'utf8').trimEnd().split('\n');
    expect([lines.length, lines[1], lines[KEYS]]).toEqual([KEYS + 1, '1,0.5', `${KEYS},${KEYS - 0.5}`]);
    expect(readdirSync(dir).sort()).toEqual(['labels.csv', 'metadata.yml', 'out.csv', 'stderr.txt']);
  });
});
