import { Flags } from '@oclif/core';
import { DatabaseCommand } from '../cli/database-command.js';
import { parseTtlFlags, pitFlags } from '../cli/flags.js';
import { printPlan, printSummary, wantsSummary } from '../cli/output.js';
import type { OutputFormat } from '../io/encoders.js';
import { snapshotOf } from '../plan/options.js';

export default class Export extends DatabaseCommand {
  static override summary = 'Export the latest feature values of every entity key as of a date.';
  static override description =
    'One row per key with at least one visible row at the snapshot date in any requested group, sorted by key: the key column(s), then the features in the order requested. Features of a group with no visible row for that key are empty.';
  static override examples = [
    { description: 'Account balances as of 1 March 2024', command: '<%= config.bin %> export -m metadata.example.yml --feature account.balance,account.status --snapshot-date 2024-03-01' },
    { description: 'Every feature of two groups, to a file', command: '<%= config.bin %> export --feature \'account.*\' --feature \'txn_stats.*\' --snapshot-date 2024-03-01T12:00:00Z --output snapshot.csv' },
    { description: 'A typed Parquet file (INT64, DOUBLE, timestamps, dates) for pandas, DuckDB or Spark', command: '<%= config.bin %> export --feature \'account.*\' --snapshot-date 2024-03-01 --output snapshot.parquet' },
    { description: 'The online lookup path: two keys only', command: '<%= config.bin %> export --feature account.balance --key 42 --key 43' },
    { description: 'Show the plan and SQL without running it', command: '<%= config.bin %> export --feature account.balance --snapshot-date 2024-03-01 --dry-run' },
  ];
  static override flags = {
    ...pitFlags,
    'snapshot-date': Flags.string({ char: 't', summary: 'The instant to export as of: ISO 8601 date or date-time (naive = UTC). Default: now.' }),
    'timestamp-unit': Flags.string({ summary: 'Read --snapshot-date as an integer epoch in s or ms.', options: ['s', 'ms'] }),
    key: Flags.string({ char: 'k', summary: 'Only this entity key (comma-separated values for a composite key). Repeatable.', multiple: true }),
    limit: Flags.integer({ summary: 'At most N rows.', min: 0 }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(Export);
    await this.withSpellbook(flags, async (book) => {
      const text = flags['snapshot-date'];
      const snapshot = text === undefined ? undefined : snapshotOf(text, flags['timestamp-unit'] as 's' | 'ms' | undefined);
      const plan = book.planExport({
        features: flags.feature,
        snapshot,
        knownAt: flags['known-at'],
        ttl: parseTtlFlags(flags.ttl),
        fullNames: flags['full-names'],
        keys: flags.key?.map((k) => k.split(',')),
        limit: flags.limit,
      });
      if (flags['dry-run']) return printPlan(book.describe(plan));
      const stats = book.newStats(plan);
      const started = performance.now();
      await book.writeExport(plan, { format: flags.format as OutputFormat | undefined, output: flags.output, progress: { label: 'export', quiet: flags.quiet }, stats });
      if (wantsSummary(flags)) printSummary('export', stats, flags.output, performance.now() - started);
    });
  }
}
