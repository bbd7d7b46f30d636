/**
 * An unknown command: one line naming the nearest command (`jion` → `join`). When the
 * "command" is a global flag (`spellbook --db x join …`, `-m file get meta all`), the flags
 * are moved behind the command and it runs as if they had been written there. Any other
 * leading flag belongs to one command, so it must follow that command. Exit 2, as every
 * usage error.
 */
import type { Hook } from '@oclif/core';
import { globalFlagsFirst, type GlobalFlag } from '../cli/argv.js';
import { SpellbookCommand } from '../cli/base-command.js';
import { suggest } from '../util/suggest.js';

function globalFlags(): GlobalFlag[] {
  return Object.entries(SpellbookCommand.baseFlags).map(([name, flag]) => ({
    name,
    ...(flag.char === undefined ? {} : { char: flag.char }),
    takesValue: flag.type === 'option',
  }));
}

const hook: Hook<'command_not_found'> = async function ({ id, argv, config }) {
  const typed = id.replaceAll(':', ' ');
  if (typed.startsWith('-')) {
    const words = [...id.split(':'), ...(argv ?? [])];
    const moved = globalFlagsFirst(words, globalFlags(), config.commands.map((c) => c.id));
    if (moved) return config.runCommand(moved.command, moved.args);
  }
  // spellbook's own commands, then the plugins', each by name: oclif loads the plugins side
  // by side, so config.commands lists theirs in whichever order they finished loading.
  const plugin = (c: { pluginName?: string }) => (c.pluginName === config.name ? 0 : 1);
  const commands = config.commands
    .filter((c) => !c.hidden)
    .sort((a, b) => plugin(a) - plugin(b) || a.id.localeCompare(b.id))
    .map((c) => c.id.replaceAll(':', ' '));
  const message = typed.startsWith('-')
    ? `flags go after the command (only global flags such as --metadata and --db may come first): spellbook COMMAND ${typed} … (commands: ${commands.join(', ')})`
    : `unknown command "${typed}"${suggest(typed, commands)}; see spellbook --help`;
  process.stderr.write(`Error: ${message}\n`);
  process.exitCode = 2;
};

export default hook;
