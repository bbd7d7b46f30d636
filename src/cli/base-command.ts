/**
 * What every spellbook command shares: the global flags of SPEC §3 and the one place
 * where errors become a single stderr line and an exit code (2 usage/input, 1 runtime).
 */
import { Command, Flags, Errors } from '@oclif/core';
import chalk, { chalkStderr } from 'chalk';
import { cancelRunningStatements } from '../db/interrupt.js';
import { SpellbookError, usage } from '../errors.js';
import { redact } from '../util/redact.js';
import { inFlagWords } from './flags.js';
import { DURATION_HINT, parseDuration } from '../time/duration.js';

/**
 * oclif's parse errors come on several lines ("The following error occurred:", the
 * problems, "See more help with --help"); every error is one line (SPEC §3).
 */
function oneLine(message: string): string {
  const lines = message
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !/^The following errors? occurred:$/.test(l) && !/^See more help with --help$/.test(l));
  return `${lines.join('; ')} (see --help)`;
}

/** A timeout flag's value in milliseconds; `0` or `off` turns the limit off. */
function timeoutMs(flag: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  if (/^(0|off)$/i.test(text.trim())) return 0;
  const ms = parseDuration(text);
  if (ms === undefined) throw usage(`--${flag}: expected ${DURATION_HINT}, or 0 for none, got ${JSON.stringify(text)}`);
  return ms;
}

/** How long an interrupted run waits for the servers to take its cancel requests before it exits anyway. */
const CANCEL_WAIT_MS = 2_000;

/**
 * Set once the run is being stopped from outside (Ctrl-C, SIGTERM, the reader of stdout
 * gone): the errors of the statements it cancels are not news.
 */
let stopping = false;

/**
 * Cancels what the database servers are running for this process, then exits with `code`
 * through process.exit, so 'exit' handlers remove temporary output files. A server that
 * does not answer within CANCEL_WAIT_MS is not waited for.
 */
function stopRun(code: number): void {
  stopping = true;
  setTimeout(() => process.exit(code), CANCEL_WAIT_MS);
  void cancelRunningStatements().then(() => process.exit(code));
}

/** Ctrl-C exits 130 (SIGTERM 143) once the servers' work is cancelled; a second signal exits at once. */
function onSignal(signal: NodeJS.Signals): void {
  const code = signal === 'SIGINT' ? 130 : 143;
  if (stopping) process.exit(code);
  stopRun(code);
}

/**
 * `spellbook join … | head -1`: when the reader of stdout goes away, the rest of the
 * output is not wanted. That is the reader's choice, not a failure: stop quietly, exit 0
 * (as `cat`, `seq` and `grep` end in a pipeline). Other stdout errors are the sink's to
 * report. A file given with --output never goes through stdout, so it is unaffected.
 */
function onStdoutError(err: NodeJS.ErrnoException): void {
  if (err.code === 'EPIPE' && !stopping) stopRun(0);
}

function listenForInterrupts(): void {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) if (!process.listeners(signal).includes(onSignal)) process.on(signal, onSignal);
  if (!process.stdout.listeners('error').includes(onStdoutError)) process.stdout.on('error', onStdoutError);
}

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
      summary: 'Database URL, overriding connection: in the metadata (sqlite:PATH, postgres://…, mysql://…, trino://…).',
      env: 'SPELLBOOK_DB',
      helpGroup: 'GLOBAL',
    }),
    debug: Flags.boolean({ summary: 'Print the stack trace of an error.', helpGroup: 'GLOBAL' }),
    quiet: Flags.boolean({ char: 'q', summary: 'Print no progress.', helpGroup: 'GLOBAL' }),
    'connect-timeout': Flags.string({
      summary: 'Give up connecting to a database server after this long (default 10s).',
      env: 'SPELLBOOK_CONNECT_TIMEOUT',
      helpGroup: 'GLOBAL',
    }),
    'statement-timeout': Flags.string({
      summary: 'Have the server cancel a statement that runs longer than this (default: no limit; not on SQLite).',
      description: 'Off by default: a full export or join over a large table is a legitimately long statement.',
      env: 'SPELLBOOK_STATEMENT_TIMEOUT',
      helpGroup: 'GLOBAL',
    }),
  };

  /** The timeout flags as openSpellbook options. */
  protected timeouts(flags: { 'connect-timeout'?: string; 'statement-timeout'?: string }): {
    connectTimeout?: number;
    statementTimeout?: number;
  } {
    return {
      connectTimeout: timeoutMs('connect-timeout', flags['connect-timeout']),
      statementTimeout: timeoutMs('statement-timeout', flags['statement-timeout']),
    };
  }

  override async init(): Promise<void> {
    await super.init();
    // https://no-color.org: chalk only looks at the terminal and FORCE_COLOR.
    if ((process.env['NO_COLOR'] ?? '') !== '') chalk.level = chalkStderr.level = 0;
    listenForInterrupts();
  }

  /** Strings that must never reach the terminal (passwords); commands add to it as they learn them. */
  protected secrets: string[] = [];

  protected override async catch(err: Error & { exitCode?: number }): Promise<unknown> {
    // The run was stopped from outside (Ctrl-C, stdout closed): the process is exiting with its code.
    if (stopping) return;
    // oclif's own parse errors (unknown flag, bad option) are usage errors: exit 2.
    if (err instanceof Errors.CLIError && !(err instanceof SpellbookError)) {
      if (err.oclif?.exit === 0) return;
      // The parse failed and is reported here; without this, oclif adds a "did not parse its
      // arguments" warning to stderr whenever NODE_ENV is test or development (as in many CIs).
      this.parsed = true;
      return this.fail(usage(oneLine(err.message)), err);
    }
    if (err instanceof SpellbookError) return this.fail(err, err, inFlagWords(err));
    return this.fail(new SpellbookError('INTERNAL', err.message || String(err)), err);
  }

  /**
   * One line on stderr; under --json, oclif's convention instead: `{"error": {…}}` on stdout,
   * the error as data (code, exitCode, message and whatever location is known).
   */
  private fail(error: SpellbookError, original: Error, message = error.message): void {
    process.exitCode = error.exitCode;
    if (this.jsonEnabled()) {
      const json = JSON.stringify({ error: { ...error.toJSON(), message } }, (_, v: unknown) => (typeof v === 'string' ? redact(v, this.secrets) : v), 2);
      process.stdout.write(json + '\n');
      return;
    }
    const debug = this.argv.includes('--debug');
    const text = redact(message, this.secrets);
    const [first, ...rest] = text.split('\n');
    const lines = [`${chalkStderr.red('Error:')} ${first}`, ...rest];
    if (debug && original.stack) lines.push(redact(original.stack, this.secrets));
    process.stderr.write(lines.join('\n') + '\n');
  }
}
