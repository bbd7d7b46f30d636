/**
 * Adding an engine touches its own folder (src/db/<engine>/) and the registry only: no
 * other file imports an engine's code or names an engine, and Knex stays inside the
 * engines built on it (their folders and the knex/ folder they share). Help texts that
 * show users the URL forms are the one exception, listed below with their reason.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ENGINES } from '../../src/db/registry.js';

const SRC = resolve(import.meta.dirname, '../../src');
const ENGINE_FOLDERS = ENGINES.map((plugin) => `db/${plugin.name}/`);
const KNEX_FOLDER = 'db/knex/';
const REGISTRY = 'db/registry.ts';

/** Files that may name engines although they are no engine's, and why. */
const ALLOWED: Readonly<Record<string, string>> = {
  'cli/base-command.ts': 'the --db and --statement-timeout help texts show the URL forms and where a flag does not apply',
  'commands/init.ts': "init's examples and usage message show URLs a user types",
  'metadata/schema-validator.ts': "generated from metadata.schema.json, whose client names and URL forms are the schema's own words",
};

/**
 * Words that name an engine or its driver, as code (string or identifier) would: alone,
 * or leading a camel-case identifier (`KnexTimeoutError`, `trinoDialect`).
 */
const ENGINE_WORD = /\b(sqlite3?|better-sqlite3|postgres(?:ql)?|pg|mysql2?|mariadb|trino|knex)\b/i;
const ENGINE_PREFIX = /\b(?:[Ss]qlite|[Pp]ostgres|[Pp]g|[Mm]ysql|[Mm]ariadb|[Tt]rino|[Kk]nex)(?=[A-Z])/;
const namesEngine = (line: string): boolean => ENGINE_WORD.test(line) || ENGINE_PREFIX.test(line);

/**
 * A driver's own error fields and codes, as code reads them: mysql2's `errno`, Trino's
 * `errorName`, a SQLSTATE (`'57014'`). Knex's folder has none either: it asks the engine.
 */
const DRIVER_CODE = /\b(errno|errorName|sqlState)\b|'[0-9][0-9A-Z]{4}'/;

/** Files outside the engines' folders that still read a driver's error codes, and why. */
const READS_DRIVER_CODES: Readonly<Record<string, string>> = {};

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

const rel = (file: string): string => relative(SRC, file);
const inEngineFolder = (file: string): boolean => ENGINE_FOLDERS.some((folder) => file.startsWith(folder));

/** The code of a file with its comments blanked out: comments may explain engines, code may not name them. */
function code(file: string): string {
  return readFileSync(file, 'utf8')
    .replace(/\/\*[\s\S]*?\*\//g, (m) => m.replace(/[^\n]/g, ' '))
    .replace(/(^|[^:'"`\\])\/\/.*$/gm, '$1');
}

/** Every module a file imports, statically or on demand: relative ones as paths under src/, packages by name. */
function importsOf(file: string): string[] {
  const text = code(file);
  const specifiers = [
    ...text.matchAll(/(?:^|\n)\s*(?:import|export)\b[^;]*?\bfrom\s+'([^']+)'/g),
    ...text.matchAll(/\bimport\(\s*'([^']+)'\s*\)/g),
  ].map((m) => m[1]!);
  return specifiers.map((s) => (s.startsWith('.') ? rel(resolve(dirname(file), s.replace(/\.js$/, '.ts'))) : s));
}

/** Lines of code (not comments) naming an engine, as `file:line: text`. */
function namings(file: string): string[] {
  return code(file)
    .split('\n')
    .flatMap((line, i) => (namesEngine(line) ? [`${rel(file)}:${i + 1}: ${line.trim()}`] : []));
}

/** Lines of code (not comments) reading a driver's error codes, as `file:line: text`. */
function driverCodes(file: string): string[] {
  return code(file)
    .split('\n')
    .flatMap((line, i) => (DRIVER_CODE.test(line) ? [`${rel(file)}:${i + 1}: ${line.trim()}`] : []));
}

const FILES = sourceFiles(SRC);

describe('engines as plugins', () => {
  it('sees engine names and imports where they are (the scan is not blind)', () => {
    expect(namings(join(SRC, 'db/sqlite/sqlite-plugin.ts')).length).toBeGreaterThan(0);
    expect(importsOf(join(SRC, REGISTRY))).toContain('db/trino/trino-plugin.ts');
    expect(importsOf(join(SRC, 'db/trino/trino-plugin.ts'))).toContain('db/trino/trino-engine.ts');
    expect(namings(join(SRC, 'db/open.ts'))).toEqual([]);
    expect(["e.name === 'KnexTimeoutError'", 'trinoDialect.x', 'pg.Client'].map(namesEngine)).toEqual([true, true, true]);
    expect(['pages', 'trinomial', 'knexus'].map(namesEngine)).toEqual([false, false, false]);
  });

  it('has a folder for every engine of the registry', () => {
    for (const folder of ENGINE_FOLDERS) expect(FILES.some((f) => rel(f).startsWith(folder)), folder).toBe(true);
  });

  it("lets only the registry import an engine's folder from outside it", () => {
    const found = FILES.flatMap((file) => {
      const from = rel(file);
      if (from === REGISTRY) return [];
      const own = ENGINE_FOLDERS.find((folder) => from.startsWith(folder));
      return importsOf(file)
        .filter((target) => inEngineFolder(target) && !(own !== undefined && target.startsWith(own)))
        .map((target) => `${from} → ${target}`);
    });
    expect(found).toEqual([]);
  });

  it('keeps Knex inside the engines built on it', () => {
    const found = FILES.flatMap((file) => {
      const from = rel(file);
      const mayUseKnex = from.startsWith(KNEX_FOLDER) || inEngineFolder(from);
      return importsOf(file)
        .filter((target) => target === 'knex' || target.startsWith(KNEX_FOLDER))
        .filter(() => !mayUseKnex)
        .map((target) => `${from} → ${target}`);
    });
    expect(found).toEqual([]);
  });

  it('names no engine in code outside its folder and the registry, but for the help texts allowed above', () => {
    const found = FILES.filter((file) => {
      const path = rel(file);
      return !inEngineFolder(path) && !path.startsWith(KNEX_FOLDER) && path !== REGISTRY && !(path in ALLOWED);
    }).flatMap(namings);
    expect(found).toEqual([]);
  });

  it("keeps an engine's query compiler apart from its adapter, as Kysely does: nothing merges them, and SQL is built from the compiler alone", () => {
    const MERGED = /\.\.\.\s*[\w.]*[cC]ompiler\b[^}]*\.\.\.\s*[\w.]*[aA]dapter\b|\.\.\.\s*[\w.]*[aA]dapter\b[^}]*\.\.\.\s*[\w.]*[cC]ompiler\b|\bextends\s+(QueryCompiler,\s*EngineAdapter|EngineAdapter,\s*QueryCompiler)\b/;
    expect(MERGED.test('const d = { ...plugin.compiler, ...plugin.adapter };')).toBe(true);
    const merged = FILES.filter((file) => MERGED.test(code(file))).map(rel);
    expect(merged).toEqual([]);
    const builders = FILES.filter((file) => /^(sql|plan)\//.test(rel(file)) && /\bEngineAdapter\b/.test(code(file))).map(rel);
    expect(builders).toEqual([]);
  });

  it("reads a driver's error codes only in its engine's folder: shared code asks the engine what a failure is", () => {
    expect(["e.errno === 1969", "e.code === '57014'", "err.errorName", "code === 'DATABASE'"].map((line) => DRIVER_CODE.test(line))).toEqual([
      true, true, true, false,
    ]);
    const found = FILES.filter((file) => !inEngineFolder(rel(file)) && !(rel(file) in READS_DRIVER_CODES)).flatMap(driverCodes);
    expect(found).toEqual([]);
  });

  it('allows only files that exist and still need it', () => {
    for (const file of Object.keys(ALLOWED)) expect(namings(join(SRC, file)), file).not.toEqual([]);
    for (const file of Object.keys(READS_DRIVER_CODES)) expect(driverCodes(join(SRC, file)), file).not.toEqual([]);
  });
});
