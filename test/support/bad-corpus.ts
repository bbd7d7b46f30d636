/**
 * The bad-input corpus (test/fixtures/bad/cases.yml): real command lines with the exit
 * code and output a user must see, and the small SQLite shop its cases read.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { parse } from 'yaml';

export const BAD = fileURLToPath(new URL('../fixtures/bad/', import.meta.url));

export interface Case {
  name: string;
  args: string;
  exit: number;
  stderr?: string;
  stdout?: string;
}

export const CASES = parse(readFileSync(join(BAD, 'cases.yml'), 'utf8')) as Case[];

/** Splits a case's command line: words, or "double-quoted words"; {NAME} takes vars[NAME]. */
export function argv(args: string, vars: Record<string, string>): string[] {
  return (args.match(/"[^"]*"|\S+/g) ?? []).map((a) => a.replace(/^"(.*)"$/, '$1').replace(/\{(\w+)\}/g, (_, v: string) => vars[v] ?? `{${v}}`));
}

/** Creates the shop database the cases' {DB} points at; returns its path. */
export function shopDatabase(dir: string): string {
  const db = join(dir, 'shop.db');
  const sqlite = new Database(db);
  sqlite.exec(`CREATE TABLE accounts (user_id INTEGER, updated_at TEXT, balance REAL, status TEXT);
    INSERT INTO accounts VALUES (1, '2024-01-01 10:00:00', 10.5, 'open'), (2, '2024-01-02', 3, 'closed');`);
  sqlite.close();
  return db;
}
