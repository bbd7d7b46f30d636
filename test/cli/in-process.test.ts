/**
 * The in-process runner (runCli) is only worth its speed if what it reports is what the
 * real binary does. Here a sample of the bad-input corpus and the oclif paths around the
 * commands (help, version, unknown command, a topic, parse errors, env flags, JSON output)
 * run both ways, and exit code, stdout and stderr must be identical; and a run must leave
 * the test process as it found it.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { argv, BAD, CASES, shopDatabase } from '../support/bad-corpus.js';
import { runCli, runCliProcess, tempDir, type CliOptions } from '../support/cli.js';

describe('runCli in-process', () => {
  let dir: string;
  let db: string;
  beforeAll(() => {
    dir = tempDir('spellbook-inproc-');
    db = shopDatabase(dir);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  // Every eighth corpus case (metadata, labels, flags and import errors, and exit-0 ones),
  // then what oclif itself answers.
  const sample = (): [string, string[], CliOptions][] => [
    ...CASES.filter((c, i) => i % 8 === 0 || c.name === 'import/bad-float').map((c): [string, string[], CliOptions] => [c.name, argv(c.args, { DB: `sqlite:${db}`, OUT: join(dir, 'out.csv') }), { cwd: BAD }]),
    ['version', ['--version'], {}],
    ['root help', ['--help'], {}],
    ['command help', ['export', '--help'], {}],
    ['topic', ['get'], {}],
    ['unknown command', ['exprot'], {}],
    ['missing required flag', ['join', '-m', 'metadata.yml'], { cwd: BAD }],
    ['SPELLBOOK_DB from the environment', ['export', '-m', 'metadata.yml', '-f', 'account.balance'], { cwd: BAD, env: { SPELLBOOK_DB: `sqlite:${db}` } }],
    ['validate --json', ['validate', '-m', 'metadata.yml', '--db', `sqlite:${db}`, '--json'], { cwd: BAD }],
    ['a runtime error', ['export', '-m', 'metadata.yml', '--db', `sqlite:${join(dir, 'none.db')}`, '-f', 'account.balance'], { cwd: BAD }],
  ];

  it('gives exactly what the spawned binary gives', async () => {
    const cases = sample();
    expect(cases.length).toBeGreaterThan(15);
    for (const [name, args, options] of cases) {
      const spawned = await runCliProcess(args, options);
      const inProcess = await runCli(args, options);
      expect({ name, ...inProcess }).toEqual({ name, ...spawned });
    }
  }, 240_000);

  it('leaves exit code, environment, working directory, streams and signal handlers as they were', async () => {
    const before = {
      exitCode: process.exitCode,
      env: { ...process.env },
      cwd: process.cwd(),
      stdout: process.stdout,
      stderr: process.stderr,
      console: globalThis.console,
      exit: process.exit,
      sigint: process.listenerCount('SIGINT'),
      sigterm: process.listenerCount('SIGTERM'),
    };
    const ok = await runCli(['export', '-m', 'metadata.yml', '-f', 'account.balance'], { cwd: BAD, env: { SPELLBOOK_DB: `sqlite:${db}`, TZ: 'Asia/Kolkata' } });
    expect(ok.code).toBe(0);
    const usage = await runCli(['export', '-m', 'metadata.yml', '--db', `sqlite:${db}`, '-f', 'nope.nope'], { cwd: BAD });
    expect(usage.code).toBe(2);
    expect({
      exitCode: process.exitCode,
      env: { ...process.env },
      cwd: process.cwd(),
      stdout: process.stdout,
      stderr: process.stderr,
      console: globalThis.console,
      exit: process.exit,
      sigint: process.listenerCount('SIGINT'),
      sigterm: process.listenerCount('SIGTERM'),
    }).toEqual(before);
  });

  it('runs concurrent calls one at a time, each with its own output', async () => {
    const runs = await Promise.all(
      ['account.balance', 'account.status', 'nope.nope'].map((f) => runCli(['export', '-m', 'metadata.yml', '--db', `sqlite:${db}`, '-f', f], { cwd: BAD })),
    );
    expect(runs.map((r) => [r.code, r.stdout, r.stderr])).toEqual([
      [0, 'user_id,balance\n1,10.5\n2,3\n', ''],
      [0, 'user_id,status\n1,open\n2,closed\n', ''],
      [2, '', expect.stringMatching(/^Error: unknown feature "nope\.nope"/)],
    ]);
  });
});
