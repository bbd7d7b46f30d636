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

  it('a misspelt command names the nearest; a command flag before the command says where flags go', async () => {
    expect(await runCli(['jion'])).toEqual({ code: 2, stdout: '', stderr: 'Error: unknown command "jion" (did you mean "join"?); see spellbook --help\n' });
    expect(await runCli(['exprot', '-f', 'account.balance'])).toEqual({ code: 2, stdout: '', stderr: 'Error: unknown command "exprot" (did you mean "export"?); see spellbook --help\n' });
    expect(await runCli(['get', 'mta'])).toEqual({ code: 2, stdout: '', stderr: 'Error: unknown command "get mta" (did you mean "get meta"?); see spellbook --help\n' });
    const flagFirst = await runCli(['--feature', 'account.balance', 'join']);
    expect([flagFirst.code, flagFirst.stderr]).toEqual([2, 'Error: flags go after the command (only global flags such as --metadata and --db may come first): spellbook COMMAND --feature … (commands: export, get meta, import, init, join, validate, autocomplete, help)\n']);
  });

  it('global flags before the command work as after it', async () => {
    const after = await runCli(['get', 'meta', 'entity', '-m', 'metadata.example.yml', '--quiet']);
    expect(after.code).toBe(0);
    expect(after.stdout).toMatch(/^NAME +KEY +DESCRIPTION\nuser +user_id +A registered customer\n/);
    for (const args of [
      ['-m', 'metadata.example.yml', '--quiet', 'get', 'meta', 'entity'],
      ['--metadata=metadata.example.yml', '-q', 'get', 'meta', 'entity'],
    ]) {
      expect(await runCli(args), args.join(' ')).toEqual(after);
    }
    // A value-taking global flag whose value is a command name is still that flag's value.
    const odd = await runCli(['--db', 'join', 'get', 'meta', 'entity', '-m', 'metadata.example.yml']);
    expect(odd).toEqual(after);
  });

  it('get meta without a kind lists the kinds', async () => {
    expect(await runCli(['get', 'meta'])).toEqual({ code: 2, stdout: '', stderr: 'Error: get meta needs what to list: all, entity, group, feature (e.g. spellbook get meta all)\n' });
  });
});
