/**
 * The bad-input corpus (test/fixtures/bad/cases.yml): every case is a real command line,
 * and what a user sees is fixed exactly: the exit code, the one-line error, and for inputs
 * that only look bad (BOM, CRLF, header-only) the output. A failing case writes nothing.
 */
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { runCli, tempDir } from '../support/cli.js';

const BAD = fileURLToPath(new URL('../fixtures/bad/', import.meta.url));

interface Case {
  name: string;
  args: string;
  exit: number;
  stderr?: string;
  stdout?: string;
}

const CASES = parse(readFileSync(join(BAD, 'cases.yml'), 'utf8')) as Case[];

/** Splits a case's command line: words, or "double-quoted words". */
function argv(args: string, vars: Record<string, string>): string[] {
  return (args.match(/"[^"]*"|\S+/g) ?? []).map((a) => a.replace(/^"(.*)"$/, '$1').replace(/\{(\w+)\}/g, (_, v: string) => vars[v] ?? `{${v}}`));
}

describe('the bad-input corpus', () => {
  let dir: string;
  let db: string;

  beforeAll(() => {
    dir = tempDir('spellbook-bad-');
    db = join(dir, 'shop.db');
    const sqlite = new Database(db);
    sqlite.exec(`CREATE TABLE accounts (user_id INTEGER, updated_at TEXT, balance REAL, status TEXT);
      INSERT INTO accounts VALUES (1, '2024-01-01 10:00:00', 10.5, 'open'), (2, '2024-01-02', 3, 'closed');`);
    sqlite.close();
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

  it.concurrent.each(CASES.map((c) => [c.name, c] as const))('%s', async (_, c) => {
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
