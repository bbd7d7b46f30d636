/**
 * Two ways to run the built CLI (compiled by `npm test`'s pretest build), both giving
 * the exit code, stdout and stderr a user would see:
 *
 * - `runCli` runs it inside the test process: the same dist/ code through oclif's `run`,
 *   with stdout, stderr, console, the environment, the working directory and the exit
 *   code swapped in for the run and restored after. An order of magnitude cheaper than a
 *   process, so corpora of usage errors and bad inputs use it.
 * - `runCliProcess` starts `node bin/run.js` as a child process: the end-to-end check that
 *   the real binary behaves the same. Each command keeps a few of these, and anything that
 *   is about the process itself (signals, its time zone, exit handlers) must use it.
 *
 * test/cli/in-process.test.ts runs one corpus both ways and requires identical results.
 */
import { execFile } from 'node:child_process';
import { Console } from 'node:console';
import { createRequire } from 'node:module';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Writable } from 'node:stream';
import type * as Oclif from '@oclif/core';
import { stringify } from 'yaml';

export const ROOT = resolve(import.meta.dirname, '..', '..');
export const BIN = join(ROOT, 'bin', 'run.js');

// oclif as bin/run.js takes it: the copy bundled with the commands (scripts/bundle-cli.js), so
// the commands run under the oclif they were built against, not a second copy.
const { Config, flush, handle, run } = createRequire(import.meta.url)(join(ROOT, 'dist', 'bundle', 'cli.cjs')) as typeof Oclif;

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  /** Working directory (default: the repository root). */
  cwd?: string;
  /** Environment additions; undefined removes a variable. */
  env?: Record<string, string | undefined>;
}

/** The environment a CLI run sees: the test's, without colours or the spellbook variables, plus `extra`. */
export function cliEnv(extra?: CliOptions['env']): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' };
  delete env['SPELLBOOK_DB'];
  delete env['SPELLBOOK_METADATA'];
  // After the deletions, so a test can set SPELLBOOK_DB (before, it was silently dropped).
  Object.assign(env, extra);
  for (const [k, v] of Object.entries(extra ?? {})) if (v === undefined) delete env[k];
  return env;
}

/** The CLI as a child process: `node bin/run.js ARGS`; `input` is written to its stdin, which is then closed. */
export function runCliProcess(args: readonly string[], options: CliOptions & { input?: string } = {}): Promise<CliResult> {
  return new Promise((done) => {
    const child = execFile(process.execPath, [BIN, ...args], { cwd: options.cwd ?? ROOT, env: cliEnv(options.env), maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
      done({ code, stdout, stderr });
    });
    if (options.input !== undefined) child.stdin?.end(options.input);
  });
}

/** Collects what is written to it, like the pipe a child process's stdout or stderr is. */
class Capture extends Writable {
  private chunks: Buffer[] = [];
  override _write(chunk: Buffer | string, encoding: BufferEncoding, done: (err?: Error | null) => void): void {
    this.chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk, encoding));
    done();
  }
  text(): string {
    return Buffer.concat(this.chunks).toString('utf8');
  }
}

/** Loaded once per test file: reading package.json and the command manifest is most of a start-up. */
let config: Promise<Oclif.Config> | undefined;
/** One in-process run at a time: they share the process's stdout, env and cwd. */
let queue: Promise<unknown> = Promise.resolve();

const SIGNALS = ['SIGINT', 'SIGTERM'] as const;

/**
 * The CLI inside this process, with the result `runCliProcess` would give. Commands may
 * not read stdin here (use runCliProcess), and a command that calls process.exit outside
 * oclif's error handler fails the test instead of ending the worker.
 */
export function runCli(args: readonly string[], options: CliOptions = {}): Promise<CliResult> {
  const result = queue.then(() => runInProcess(args, options));
  queue = result.catch(() => undefined);
  return result;
}

async function runInProcess(args: readonly string[], options: CliOptions): Promise<CliResult> {
  config ??= Config.load(ROOT);
  const loaded = await config;
  const stdout = new Capture();
  const stderr = new Capture();

  const saved = {
    env: { ...process.env },
    cwd: process.cwd(),
    exitCode: process.exitCode,
    exit: process.exit,
    console: globalThis.console,
    stdout: Object.getOwnPropertyDescriptor(process, 'stdout')!,
    stderr: Object.getOwnPropertyDescriptor(process, 'stderr')!,
    listeners: new Map(SIGNALS.map((s) => [s, new Set(process.listeners(s))])),
  };
  let exitedWith: number | undefined;
  let strayExit: number | undefined;
  let inHandle = false;

  replaceEnv(cliEnv(options.env));
  process.chdir(options.cwd ?? ROOT);
  process.exitCode = undefined;
  Object.defineProperty(process, 'stdout', { configurable: true, enumerable: true, get: () => stdout });
  Object.defineProperty(process, 'stderr', { configurable: true, enumerable: true, get: () => stderr });
  globalThis.console = new Console({ stdout, stderr });
  // oclif's error handler ends with process.exit(code); that code is the result. Any
  // other process.exit would end a child process early, which cannot be imitated here.
  process.exit = ((code?: number | string | null) => {
    if (inHandle) exitedWith = Number(code ?? 0);
    else strayExit ??= Number(code ?? 0);
    return undefined as never;
  }) as typeof process.exit;

  try {
    // What bin/run.js does through oclif's execute().
    await run([...args], loaded)
      .then(async () => flush())
      .catch(async (err: Error) => {
        inHandle = true;
        await handle(err);
      });
    if (strayExit !== undefined) throw new Error(`spellbook ${args.join(' ')} called process.exit(${strayExit}): run it with runCliProcess`);
    const code = exitedWith ?? (typeof process.exitCode === 'number' ? process.exitCode : Number(process.exitCode ?? 0));
    return { code, stdout: stdout.text(), stderr: stderr.text() };
  } finally {
    replaceEnv(saved.env);
    process.chdir(saved.cwd);
    process.exitCode = saved.exitCode;
    process.exit = saved.exit;
    globalThis.console = saved.console;
    Object.defineProperty(process, 'stdout', saved.stdout);
    Object.defineProperty(process, 'stderr', saved.stderr);
    // Commands install SIGINT/SIGTERM handlers for their run; they must not pile up in the worker.
    for (const signal of SIGNALS) for (const l of process.listeners(signal)) if (!saved.listeners.get(signal)!.has(l)) process.removeListener(signal, l);
  }
}

/**
 * Changes process.env in place rather than swapping the object, so Node still sees
 * assignments (TZ resets its time-zone cache only on the real environment).
 */
function replaceEnv(env: NodeJS.ProcessEnv): void {
  for (const k of Object.keys(process.env)) if (!(k in env)) delete process.env[k];
  for (const [k, v] of Object.entries(env)) if (v !== undefined && process.env[k] !== v) process.env[k] = v;
}

/** A fresh folder for a test's files. */
export function tempDir(prefix = 'spellbook-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** Writes a metadata file (the object is YAML-stringified) and returns its path. */
export function writeMetadata(dir: string, metadata: Record<string, unknown>, name = 'metadata.yml'): string {
  const path = join(dir, name);
  writeFileSync(path, stringify(metadata));
  return path;
}

export function writeFile(dir: string, name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}
