/**
 * An unknown command: one line naming the nearest command (`jion` → `join`), or, when the
 * "command" is a flag (`spellbook --db x join …`), where flags go. Exit 2, as every usage
 * error. Global flags are not accepted before the command: oclif reads argv[0] as the
 * command, and a flag taking a value (`-m file`) cannot be told from a command there.
 */
import type { Hook } from '@oclif/core';
import { suggest } from '../util/suggest.js';

const hook: Hook<'command_not_found'> = async function ({ id, config }) {
  const commands = config.commands.filter((c) => !c.hidden).map((c) => c.id.replaceAll(':', ' '));
  const typed = id.replaceAll(':', ' ');
  const message = typed.startsWith('-')
    ? `flags go after the command: spellbook COMMAND ${typed} … (commands: ${commands.join(', ')})`
    : `unknown command "${typed}"${suggest(typed, commands)}; see spellbook --help`;
  process.stderr.write(`Error: ${message}\n`);
  process.exitCode = 2;
};

export default hook;
