/**
 * The bad-input corpus (test/fixtures/bad/cases.yml): every case is a real command line,
 * and what a user sees is fixed exactly: the exit code, the one-line error, and for inputs
 * that only look bad (BOM, CRLF, header-only) the output. A failing case writes nothing.
 */
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { argv, BAD, CASES, shopDatabase } from '../support/bad-corpus.js';
import { runCli, tempDir } from '../support/cli.js';

describe('the bad-input corpus', () => {
  let dir: string;
  let db: string;

  beforeAll(() => {
    dir = tempDir('spellbook-bad-');
    db = shopDatabase(dir);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('has at least 40 cases, uniquely named, covering metadata, labels, flags and import', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(40);
    expect(new Set(CASES.map((c) => c.name)).size).toBe(CASES.length);
    for (const kind of ['metadata/', 'labels/', 'flags/', 'import/']) expect(CASES.some((c) => c.name.startsWith(kind))).toBe(true);
  });

  it('uses every fixture file', () => {
    const used = CASES.map((c) => c.args).join(' ');
    for (const folder of ['metadata', 'labels', 'import']) {
      for (const f of readdirSync(join(BAD, folder))) expect(used, `${folder}/${f}`).toContain(`${folder}/${f}`);
    }
  });

  // In-process (test/support/cli.ts); test/cli/in-process.test.ts checks a sample spawned too.
  it.each(CASES.map((c) => [c.name, c] as const))('%s', async (_, c) => {
    const out = join(dir, `${c.name.replace('/', '-')}.out`);
    const result = await runCli(argv(c.args, { DB: `sqlite:${db}`, OUT: out }), { cwd: BAD });
    expect({ exit: result.code, stderr: result.stderr.trimEnd() }).toEqual({ exit: c.exit, stderr: c.stderr ?? '' });
    if (c.stdout !== undefined) expect(result.stdout.trimEnd()).toBe(c.stdout);
    if (c.exit !== 0) {
      expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
      expect(existsSync(out)).toBe(false);
    }
  });
});
