/**
 * What every spellbook command shares: the global flags of SPEC §3 and the one place
 * where errors become a single stderr line and an exit code (2 usage/input, 1 runtime).
 */
import { Command, Flags, Errors } from '@oclif/core';
import chalk, { chalkStderr } from 'chalk';
import { SpellbookError } from '../errors.js';
import { redact } from '../metadata/connection.js';

export abstract class SpellbookCommand extends Command {
  static override baseFlags = {
    metadata: Flags.string({
      char: 'm',
      summary: 'Path of the metadata file.',
      description: 'Defaults to ./metadata.yml. Relative paths inside it resolve against its folder.',
      env: 'SPELLBOOK_METADATA',
      helpGroup: 'GLOBAL',
    }),
    db: Flags.string({
      summary: 'Database URL, overriding connection: in the metadata (sqlite:PATH, postgres://…, mysql://…).',
      env: 'SPELLBOOK_DB',
      helpGroup: 'GLOBAL',
    }),
    debug: Flags.boolean({ summary: 'Print the stack trace of an error.', helpGroup: 'GLOBAL' }),
    quiet: Flags.boolean({ char: 'q', summary: 'Print no progress.', helpGroup: 'GLOBAL' }),
  };

  override async init(): Promise<void> {
    await super.init();
    // https://no-color.org: chalk only looks at the terminal and FORCE_COLOR.
    if ((process.env['NO_COLOR'] ?? '') !== '') chalk.level = chalkStderr.level = 0;
    // Exit through process.exit so 'exit' handlers run: they remove temporary output files.
    for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => process.exit(signal === 'SIGINT' ? 130 : 143));
  }

  /** Strings that must never reach the terminal (passwords); commands add to it as they learn them. */
  protected secrets: string[] = [];

  protected override async catch(err: Error & { exitCode?: number }): Promise<unknown> {
    // oclif's own parse errors (unknown flag, bad option) are usage errors: exit 2.
    if (err instanceof Errors.CLIError && !(err instanceof SpellbookError)) {
      if (err.oclif?.exit === 0) return;
      return this.fail(err.message, 2, err);
    }
    if (err instanceof SpellbookError) return this.fail(err.message, err.exitCode, err);
    return this.fail(err.message || String(err), 1, err);
  }

  private fail(message: string, code: number, err: Error): void {
    const debug = this.argv.includes('--debug');
    const text = redact(message, this.secrets);
    const [first, ...rest] = text.split('\n');
    const lines = [`${chalkStderr.red('Error:')} ${first}`, ...rest];
    if (debug && err.stack) lines.push(redact(err.stack, this.secrets));
    process.stderr.write(lines.join('\n') + '\n');
    process.exitCode = code;
  }
}
