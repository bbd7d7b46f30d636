/**
 * `spellbook init` (issue 9): reads the catalog of a live database, read-only, and writes a
 * first metadata file — one group per table, one entity per guessed key — for the user to
 * check and edit. It never overwrites a file: the one it writes is created exclusively.
 */
import { writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { openDatabase } from '../db/open.js';
import { SpellbookError, usage } from '../errors.js';
import { connectionFromUrl, connectionUrlFor, describeConnection, type ConnectionSpec } from '../db/connection.js';
import { suggest } from '../util/suggest.js';
import { guessScaffold, type Scaffold, type TableCatalog } from './guess.js';
import { renderMetadata } from './render.js';

export interface InitRequest {
  /** The database, as --db takes it: sqlite:PATH or a path, postgres://…, mysql://… */
  readonly db: string;
  /** Only these tables (default: every base table of the current schema/database). */
  readonly tables?: readonly string[];
  /** The file to write (default ./metadata.yml); never overwritten. */
  readonly output?: string;
  /** Where relative paths (output, a SQLite file) resolve; default the working directory. */
  readonly cwd?: string;
}

export interface InitResult {
  /** Absolute path of the file written. */
  readonly file: string;
  readonly scaffold: Scaffold;
}

/** The `connection:` line: a SQLite path relative to the new file, or the URL unless it carries a password. */
function connectionLine(db: string, spec: ConnectionSpec, file: string): { connection?: string; connectionNote?: string } {
  const own = connectionUrlFor(spec, dirname(file));
  if (own !== undefined) return { connection: JSON.stringify(own) };
  if (spec.secrets.length > 0) {
    return { connectionNote: 'not written: the --db URL holds a password. Give it with --db or SPELLBOOK_DB, or write connection: with ${NAME}s read from the environment or .env' };
  }
  return { connection: JSON.stringify(db.trim()) };
}

export async function initMetadata(request: InitRequest): Promise<InitResult> {
  const cwd = request.cwd ?? process.cwd();
  const file = resolve(cwd, request.output ?? 'metadata.yml');
  // Checked first, so nothing connects for a run that cannot write; the exclusive create below closes the race.
  if (existsSync(file)) throw usage(`${request.output ?? 'metadata.yml'} already exists: init never overwrites a file (remove it, or choose another --output)`);
  const spec = connectionFromUrl(request.db, cwd);
  if (typeof spec === 'string') throw usage(`--db: ${spec}`);

  const db = await openDatabase(spec, { readOnly: true });
  let scaffold: Scaffold;
  try {
    const { introspector } = db;
    if (!introspector.tableNames || !introspector.primaryKey) throw usage(`init cannot read the catalog of ${describeConnection(spec)} yet: write the metadata by hand`);
    const all = await introspector.tableNames();
    const names = request.tables && request.tables.length > 0 ? request.tables : all;
    const catalogs: TableCatalog[] = [];
    for (const name of names) {
      const columns = await introspector.tableColumns(name);
      if (columns === undefined) throw usage(`--table ${name}: no such table in ${describeConnection(spec)}${suggest(name, all)}`);
      catalogs.push({ name, columns, primaryKey: await introspector.primaryKey(name) });
    }
    if (catalogs.length === 0) throw usage(`no tables in ${describeConnection(spec)}: nothing to describe`);
    scaffold = guessScaffold(catalogs, (column, declared) => db.adapter.typeFits(column, declared));
  } finally {
    await db.close();
  }
  if (scaffold.groups.length === 0) {
    throw usage(`no table could become a group: ${scaffold.skippedTables.map((t) => `${t.table} (${t.why})`).join('; ')}`);
  }
  const text = renderMetadata(scaffold, { source: describeConnection(spec), ...connectionLine(request.db, spec, file) });
  try {
    await writeFile(file, text, { flag: 'wx' });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') throw usage(`${request.output ?? 'metadata.yml'} already exists: init never overwrites a file (remove it, or choose another --output)`);
    throw new SpellbookError('INTERNAL', `cannot write ${file}: ${(err as Error).message}`, { cause: err, file });
  }
  return { file, scaffold };
}
