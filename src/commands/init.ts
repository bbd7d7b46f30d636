import { Flags } from '@oclif/core';
import { relative } from 'node:path';
import { SpellbookCommand } from '../cli/base-command.js';
import { usage } from '../errors.js';
import { initMetadata } from '../init/index.js';

export default class Init extends SpellbookCommand {
  static override summary = 'Write a first metadata.yml from a live database\'s tables.';
  static override description = [
    'Reads the catalog, read-only: one group per table, its columns as features with types mapped, one entity per key. The key (primary key, else an id or *_id column) and the event/created times (timestamp columns named like updated_at, event_time, created_at) are guesses, each marked with a "# check:" comment.',
    'Never overwrites a file (exit 2). What it writes passes spellbook validate; check the guesses, then run spellbook validate --data.',
  ].join('\n\n');
  static override examples = [
    { description: 'Every table of a SQLite file', command: '<%= config.bin %> init --db sqlite:shop.db' },
    { description: 'Two tables of a PostgreSQL database, to another file', command: '<%= config.bin %> init --db postgres://me@db.example.com/features --table accounts --table txn_stats --output features.yml' },
  ];
  static override flags = {
    table: Flags.string({ char: 't', summary: 'Only this table (default: every table). Repeatable.', multiple: true }),
    output: Flags.string({ char: 'o', summary: 'The metadata file to write; never overwritten.', default: 'metadata.yml' }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(Init);
    if (flags.db === undefined || flags.db.trim() === '') throw usage('init needs a database: --db URL (sqlite:PATH, postgres://…, mysql://…) or SPELLBOOK_DB');
    const { file, scaffold } = await initMetadata({ db: flags.db, tables: flags.table, output: flags.output });
    const shown = relative(process.cwd(), file) || file;
    const groups = scaffold.groups.map((g) => g.name).join(', ');
    const left = scaffold.skippedTables.length > 0 ? `; left out: ${scaffold.skippedTables.map((t) => t.table).join(', ')} (see the file)` : '';
    process.stdout.write(
      `wrote ${shown}: ${scaffold.groups.length} group${scaffold.groups.length === 1 ? '' : 's'} (${groups}), ${scaffold.entities.length} entit${scaffold.entities.length === 1 ? 'y' : 'ies'}${left}\n` +
        `check the lines marked "# check:", then run: spellbook validate -m ${shown}\n`,
    );
  }
}
