/**
 * better-sqlite3 compiles (or fetches) its native module in an install script. npm 11.16
 * added package.json's `allowScripts` and warns at every install about dependencies with
 * install scripts it does not cover; npm 12 skips those scripts, which would leave a fresh
 * clone's `npm ci && npm run demo` without SQLite. package.json approves the two packages
 * that need theirs, so no npm warns and none skips them.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../support/cli.js';

const run = promisify(execFile);
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

/**
 * What `npm install-scripts ls` says here, or why it cannot: an npm before allowScripts
 * (11.16) has no such command, and runs every install script anyway.
 */
async function pendingScripts(): Promise<{ text: string } | { skipped: string }> {
  try {
    return { text: (await run(npm, ['install-scripts', 'ls'], { cwd: ROOT })).stdout.trim() };
  } catch (err) {
    const version = (await run(npm, ['--version'], { cwd: ROOT })).stdout.trim();
    return { skipped: `npm ${version} has no install-scripts command (${String((err as Error).message).split('\n')[0]})` };
  }
}

const pending = await pendingScripts();
if ('skipped' in pending) console.log(`install-scripts test skipped: ${pending.skipped}`);

describe('install scripts', () => {
  it.skipIf('skipped' in pending)('every installed dependency with an install script is approved in package.json', () => {
    expect(pending).toEqual({ text: 'No packages with unreviewed install scripts.' });
  });
});
