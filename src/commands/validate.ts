import { Flags } from '@oclif/core';
import { DatabaseCommand } from '../cli/database-command.js';
import { renderReport, type ValidationReport } from '../validate/index.js';

export default class Validate extends DatabaseCommand {
  static override summary = 'Check the metadata against the live database; exit 1 on any finding.';
  static override description = [
    'Connects read-only. For every group: the table exists (or the query runs), every declared column exists, and each column\'s database type fits the declared type.',
    'With --data, also reports duplicate (key, event time) rows, NULL keys, NULL event times and event times in the future, with counts and a few example keys.',
    'Prints one line per finding, `group: finding`. Exit 0 when clean, 1 on any finding, 2 on bad usage.',
  ].join('\n\n');
  static override examples = [
    { description: 'Check tables, columns and types', command: '<%= config.bin %> validate -m metadata.example.yml' },
    { description: 'Also check the rows themselves', command: '<%= config.bin %> validate --data' },
    { description: 'One group, as JSON', command: '<%= config.bin %> validate --group account --data --json' },
  ];
  static override enableJsonFlag = true;
  static override flags = {
    data: Flags.boolean({ summary: 'Also check the rows: duplicates, NULL keys and event times, event times in the future.' }),
    group: Flags.string({ char: 'g', summary: 'Only this group. Repeatable.', multiple: true }),
  };

  async run(): Promise<ValidationReport> {
    const { flags } = await this.parse(Validate);
    return this.withSpellbook(flags, async (book) => {
      const report = await book.validate({ data: flags.data, groups: flags.group });
      if (!this.jsonEnabled()) process.stdout.write(renderReport(report));
      // Findings are the answer, not an error: the report is on stdout, the exit code says "not clean".
      if (report.findings > 0) process.exitCode = 1;
      return report;
    });
  }
}
