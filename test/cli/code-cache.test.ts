/**
 * src/cli/code-cache.ts, as bin/run.js uses it: each case is a fresh Node process that
 * loads a small CommonJS file through requireCached and prints what it exports, because
 * a cache is written when a process exits and read by the next.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ROOT, tempDir } from '../support/cli.js';

const LOADER = pathToFileURL(join(ROOT, 'dist', 'cli', 'code-cache.js')).href;

/** Loads `file` through the code cache in a new process and returns what it printed. */
function load(file: string): string {
  const script = `const { requireCached } = await import(${JSON.stringify(LOADER)}); const m = requireCached(${JSON.stringify(file)}); console.log(m.answer(), await m.later());`;
  return execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' }).trim();
}

/**
 * A module whose function is compiled, and so cached, only when it is called; it imports
 * as the bundles do once scripts/bundle-cli.js has routed their import() calls.
 */
function source(answer: number): string {
  return `exports.answer = function () { return ${answer}; };\nexports.later = () => module.importDynamically('node:path').then((p) => p.sep);\n`;
}

describe('code cache', () => {
  it('writes a cache on the first run and uses it on the next, with the same results', () => {
    const dir = tempDir('spellbook-code-cache-');
    const file = join(dir, 'bundle.cjs');
    writeFileSync(file, source(1));
    expect(load(file)).toBe('1 /');
    const caches = readdirSync(join(dir, '.code-cache'));
    expect(caches).toHaveLength(1);
    expect(caches[0]).toMatch(/^bundle\.cjs-[0-9a-f]{8}-[0-9a-f]{8}$/);
    // The import still works in a script compiled from a cache (vm's own import() option does not on Node 20).
    expect(load(file)).toBe('1 /');
    expect(readdirSync(join(dir, '.code-cache'))).toEqual(caches);
  });

  it('does not use the cache of an earlier source of the same length', () => {
    const dir = tempDir('spellbook-code-cache-');
    const file = join(dir, 'bundle.cjs');
    writeFileSync(file, source(1));
    expect(load(file)).toBe('1 /');
    expect(load(file)).toBe('1 /');
    // V8 itself only compares the length: a cache keyed by less than the content would answer 1.
    writeFileSync(file, source(2));
    expect(load(file)).toBe('2 /');
    // The earlier source's cache is removed when the new one is written.
    expect(readdirSync(join(dir, '.code-cache'))).toHaveLength(1);
  });

  it("loads a .cjs bundle beside it (knex.cjs) through the cache too, as import() of CommonJS answers: its exports as `default`", () => {
    const dir = tempDir('spellbook-code-cache-');
    const file = join(dir, 'bundle.cjs');
    writeFileSync(file, `exports.answer = () => 4;\nexports.later = () => module.importDynamically('./beside.cjs').then((ns) => ns.default.word);\n`);
    writeFileSync(join(dir, 'beside.cjs'), `exports.word = 'beside';\n`);
    expect(load(file)).toBe('4 beside');
    expect(readdirSync(join(dir, '.code-cache')).map((name) => name.split('-')[0]).sort()).toEqual(['beside.cjs', 'bundle.cjs']);
    expect(load(file)).toBe('4 beside');
  });

  it('runs from the source when the cache cannot be written', () => {
    const dir = tempDir('spellbook-code-cache-');
    const file = join(dir, 'bundle.cjs');
    writeFileSync(file, source(3));
    // A file where the cache folder would be: no folder can be made there.
    writeFileSync(join(dir, '.code-cache'), '');
    expect(load(file)).toBe('3 /');
    expect(load(file)).toBe('3 /');
  });
});
