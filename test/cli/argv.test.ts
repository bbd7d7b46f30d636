/** Moving global flags written before the command behind it (pure; the CLI behaviour is in help.test.ts). */
import { describe, expect, it } from 'vitest';
import { globalFlagsFirst } from '../../src/cli/argv.js';

const FLAGS = [
  { name: 'metadata', char: 'm', takesValue: true },
  { name: 'db', takesValue: true },
  { name: 'quiet', char: 'q', takesValue: false },
];
const COMMANDS = ['join', 'export', 'get:meta'];

describe('globalFlagsFirst', () => {
  it('moves value and boolean flags behind the longest command name', () => {
    expect(globalFlagsFirst(['-m', 'a.yml', '-q', 'get', 'meta', 'all'], FLAGS, COMMANDS)).toEqual({ command: 'get:meta', args: ['all', '-m', 'a.yml', '-q'] });
    expect(globalFlagsFirst(['--db=sqlite:x.db', 'join', '-f', 'a.b'], FLAGS, COMMANDS)).toEqual({ command: 'join', args: ['-f', 'a.b', '--db=sqlite:x.db'] });
    expect(globalFlagsFirst(['--db', 'join', 'export'], FLAGS, COMMANDS)).toEqual({ command: 'export', args: ['--db', 'join'] });
  });

  it('gives up on a flag that is not global, a missing value or no command', () => {
    expect(globalFlagsFirst(['--feature', 'a.b', 'join'], FLAGS, COMMANDS)).toBeUndefined();
    expect(globalFlagsFirst(['--db'], FLAGS, COMMANDS)).toBeUndefined();
    expect(globalFlagsFirst(['-q', 'jion'], FLAGS, COMMANDS)).toBeUndefined();
  });
});
