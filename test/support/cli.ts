/**
 * Runs the built CLI (`node bin/run.js`, compiled by `npm test`'s pretest build) as a
 * user would: a child process, exit code, stdout and stderr.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { stringify } from 'yaml';

export const ROOT = resolve(import.meta.dirname, '..', '..');
const BIN = join(ROOT, 'bin', 'run.js');

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** `input` is written to the child's standard input, which is then closed. */
export function runCli(args: readonly string[], options: { cwd?: string; env?: Record<string, string | undefined>; input?: string } = {}): Promise<CliResult> {
  return new Promise((done) => {
    const env = { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0', ...options.env };
    delete env['SPELLBOOK_DB'];
    delete env['SPELLBOOK_METADATA'];
    for (const [k, v] of Object.entries(options.env ?? {})) if (v === undefined) delete env[k];
    const child = execFile(process.execPath, [BIN, ...args], { cwd: options.cwd ?? ROOT, env, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
      done({ code, stdout, stderr });
    });
    if (options.input !== undefined) child.stdin?.end(options.input);
  });
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
