/** Help works every way people ask for it; a misspelt command or misplaced flag says what to type. Needs no database. */
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';

describe('help', () => {
  it('spellbook help join, join -h and join --help print the same help', async () => {
    const long = await runCli(['join', '--help']);
    expect(long.code).toBe(0);
    expect(long.stdout).toMatch(/^Build a point-in-time-correct training set from a labels file\.\n\nUSAGE\n {2}\$ spellbook join /);
    for (const args of [['help', 'join'], ['join', '-h']]) {
      const r = await runCli(args);
      expect([r.code, r.stderr, r.stdout], args.join(' ')).toEqual([0, '', long.stdout]);
    }
  });

  it('a misspelt command names the nearest; a flag before the command says where flags go', async () => {
    expect(await runCli(['jion'])).toEqual({ code: 2, stdout: '', stderr: 'Error: unknown command "jion" (did you mean "join"?); see spellbook --help\n' });
    expect(await runCli(['exprot', '-f', 'account.balance'])).toEqual({ code: 2, stdout: '', stderr: 'Error: unknown command "exprot" (did you mean "export"?); see spellbook --help\n' });
    const flagFirst = await runCli(['--db', 'x.db', 'join']);
    expect([flagFirst.code, flagFirst.stderr]).toEqual([2, 'Error: flags go after the command: spellbook COMMAND --db … (commands: export, get meta, import, init, join, validate, autocomplete, help)\n']);
  });

  it('get meta without a kind lists the kinds', async () => {
    expect(await runCli(['get', 'meta'])).toEqual({ code: 2, stdout: '', stderr: 'Error: get meta needs what to list: all, entity, group, feature (e.g. spellbook get meta all)\n' });
  });
});
