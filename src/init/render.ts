/**
 * The metadata file `spellbook init` writes: the guessed scaffold as commented YAML, in
 * the order a reader checks it (connection, entities, groups), each guess that needs a
 * person marked `# check:`. Pure: text in, text out.
 */
import type { GuessedFeature, Scaffold } from './guess.js';

/** A YAML scalar: plain when it reads back as the same string, else double-quoted. */
function scalar(text: string): string {
  return /^[A-Za-z_][A-Za-z0-9_.-]*$/.test(text) && !/^(true|false|yes|no|on|off|null|y|n)$/i.test(text) ? text : JSON.stringify(text);
}

function list(items: readonly string[]): string {
  return items.length === 1 ? scalar(items[0]!) : `[${items.map(scalar).join(', ')}]`;
}

function featureLines(f: GuessedFeature): string[] {
  const lines = [`      - name: ${scalar(f.name)}`, `        type: ${f.type}${f.check ? `  # check: ${f.check}` : `  # ${f.dbType || 'untyped'}`}`];
  if (f.column !== f.name) lines.push(`        column: ${scalar(f.column)}`);
  return lines;
}

export interface RenderOptions {
  /** `connection:`'s value, already a YAML scalar; absent: a comment says how to give one. */
  readonly connection?: string;
  /** Why no connection is written (for example: the URL holds a password). */
  readonly connectionNote?: string;
  /** Where the catalog was read, for the header comment (never a password). */
  readonly source: string;
}

export function renderMetadata(scaffold: Scaffold, options: RenderOptions): string {
  const out = [
    '# yaml-language-server: $schema=./node_modules/spellbook-feature-store/metadata.schema.json',
    `# Written by spellbook init from ${options.source}.`,
    '# Every "# check:" is a guess to confirm; then run: spellbook validate --data',
    'version: 1',
  ];
  if (options.connection !== undefined) out.push(`connection: ${options.connection}`);
  else out.push(`# connection: ${options.connectionNote ?? 'give the database with --db or SPELLBOOK_DB'}`);
  out.push('', 'entities:');
  for (const e of scaffold.entities) {
    out.push(`  - name: ${scalar(e.name)}`, `    key: ${list(e.key)}  # check: ${e.check}`, `    type: ${e.types.length === 1 ? e.types[0] : `[${e.types.join(', ')}]`}`);
  }
  out.push('', 'groups:');
  for (const g of scaffold.groups) {
    out.push(`  - name: ${scalar(g.name)}`, `    entity: ${scalar(g.entity)}`, `    table: ${scalar(g.table)}`);
    if (g.eventTime) out.push(`    event_time: ${scalar(g.eventTime.column)}  # check: ${g.eventTime.check}`);
    else out.push('    # check: no timestamp column, so a static group: every row always visible, one row per key');
    if (g.createdTime) out.push(`    created_time: ${scalar(g.createdTime.column)}  # check: ${g.createdTime.check}`);
    out.push('    features:');
    for (const f of g.features) out.push(...featureLines(f));
    for (const s of g.skipped) out.push(`      # left out: ${s.column} (${s.why})`);
  }
  for (const t of scaffold.skippedTables) out.push(`# table ${t.table} left out: ${t.why}`);
  return out.join('\n') + '\n';
}
