import { Flags } from '@oclif/core';
import { DatabaseCommand } from '../cli/database-command.js';
import { Progress } from '../io/progress.js';

export default class Import extends DatabaseCommand {
  static override summary = 'Write a CSV file into a group\'s table, all rows or none.';
  static override description = [
    'The only command that writes. The header must name exactly the group\'s entity column(s), its event/created time columns if declared, and its feature columns (by column name, in any order).',
    'Every value is checked against its declared type before anything is written (empty = NULL); then all rows go in one transaction, so any failure leaves the table as it was.',
    'Refuses a connection marked read_only: true in the metadata.',
  ].join('\n\n');
  static override examples = [
    { description: 'Load account rows into the existing accounts table', command: '<%= config.bin %> import --group account --input-file accounts.csv' },
    { description: 'Create the table first if it does not exist', command: '<%= config.bin %> import -g account -i accounts.csv --create-table' },
    { description: 'Check the file and show the CREATE TABLE, writing nothing', command: '<%= config.bin %> import -g account -i accounts.csv --create-table --dry-run' },
    { description: 'A semicolon-separated file', command: '<%= config.bin %> import -g account -i accounts.csv --delimiter ";"' },
  ];
  static override flags = {
    group: Flags.string({ char: 'g', summary: 'The group whose table receives the rows.', required: true }),
    'input-file': Flags.string({ char: 'i', summary: 'The CSV file to import; its first line is the header.', required: true }),
    'create-table': Flags.boolean({ summary: 'Create the group\'s table when it does not exist, with column types mapped for the engine.' }),
    'dry-run': Flags.boolean({ summary: 'Check the file and the table, print the CREATE TABLE if one is needed, write nothing.' }),
    delimiter: Flags.string({ char: 'd', summary: 'Field separator (default ,); \\t or tab for tabs.' }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(Import);
    await this.withSpellbook(flags, async (book) => {
      const checking = new Progress('import: checking', { quiet: flags.quiet });
      let writing: Progress | undefined;
      let last = 0;
      const result = await book.import({
        group: flags.group,
        inputFile: flags['input-file'],
        createTable: flags['create-table'],
        dryRun: flags['dry-run'],
        delimiter: flags.delimiter,
        onProgress: (phase, rows, total) => {
          if (phase === 'check') {
            checking.tick(rows - last);
            last = rows;
            return;
          }
          if (!writing) {
            checking.done();
            writing = new Progress('import: writing', { quiet: flags.quiet, total });
            last = 0;
          }
          writing.tick(rows - last);
          last = rows;
        },
      });
      checking.done();
      writing?.done();
      const rows = `${result.rows} row${result.rows === 1 ? '' : 's'}`;
      if (result.dryRun) {
        if (result.createTable) process.stdout.write(`${result.createTable};\n`);
        if (result.createIndex) process.stdout.write(`${result.createIndex.sql};\n`);
        process.stdout.write(`dry run: ${rows} checked, would be written to ${result.table}; nothing written\n`);
      } else {
        const index = result.createIndex;
        const created = index ? ` (table created, with index ${index.name} on (${index.columns.join(', ')}) for lookups by key and time)` : '';
        process.stdout.write(`${rows} written to ${result.table}${created}\n`);
      }
    });
  }
}
