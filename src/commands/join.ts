import { readFileSync } from 'node:fs';
import { Flags } from '@oclif/core';
import { DatabaseCommand } from '../cli/database-command.js';
import { parseTtlFlags, pitFlags } from '../cli/flags.js';
import { printPlan, printSummary, wantsSummary } from '../cli/output.js';
import type { OutputFormat } from '../io/encoders.js';
import { usage } from '../errors.js';
import { STRATEGIES, type StrategyChoice } from '../plan/plan.js';

function parseEntityColumns(values: readonly string[] | undefined): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const v of values ?? []) {
    const eq = v.indexOf('=');
    if (eq <= 0 || eq === v.length - 1) throw usage(`--entity-column ${v}: expected ENTITY=COLUMN (ENTITY=COL1,COL2 for a composite key)`);
    out[v.slice(0, eq).trim()] = v.slice(eq + 1).split(',').map((c) => c.trim());
  }
  return out;
}

/** `--input-query @FILE` reads the SQL from FILE; anything else is the SQL itself. */
function readQueryFlag(value: string): string {
  if (!value.startsWith('@')) return value;
  try {
    return readFileSync(value.slice(1), 'utf8');
  } catch {
    throw usage(`--input-query ${value}: cannot read ${value.slice(1)}`);
  }
}

export default class Join extends DatabaseCommand {
  static override summary = 'Build a point-in-time-correct training set from a labels file.';
  static override description =
    'For every row of the labels file, in input order, exactly one output row: the input columns unchanged, then the requested features as visible at that row\'s timestamp. No value from after a row\'s timestamp can reach it.';
  static override examples = [
    { description: 'Features of two entities for every labelled transaction', command: '<%= config.bin %> join -m metadata.example.yml --input-file examples/labels.csv --feature \'account.balance,txn_stats.*,merchant_profile.risk_score\'' },
    { description: 'Labels keyed by another column name, timestamps as epoch seconds', command: '<%= config.bin %> join --input-file labels.csv --entity-column user=customer --timestamp-column ts --timestamp-unit s --feature \'account.*\'' },
    { description: 'What was known at the time, not only what had happened', command: '<%= config.bin %> join --input-file labels.csv --feature \'account.*\' --known-at --output train.jsonl' },
    { description: 'A typed Parquet training set', command: '<%= config.bin %> join --input-file labels.csv --feature \'account.*,txn_stats.*\' --output train.parquet' },
    { description: 'Labels from a table of the same database: the whole join runs there', command: `<%= config.bin %> join --input-query 'SELECT user_id, outcome_time AS event_timestamp, churned FROM outcomes' --feature 'account.*'` },
    { description: 'The labels query read from a file', command: '<%= config.bin %> join --input-query @labels.sql --feature \'account.*\' --output train.parquet' },
  ];
  static override flags = {
    ...pitFlags,
    'input-file': Flags.string({ char: 'i', summary: 'Labels CSV or Parquet (.parquet) file, or - for CSV on standard input: a timestamp column and the key column(s) of every entity involved.', exactlyOne: ['input-file', 'input-query'] }),
    'input-query': Flags.string({
      summary: 'Labels from one SELECT on the features\' database (or @FILE holding it), instead of --input-file.',
      exactlyOne: ['input-file', 'input-query'],
    }),
    delimiter: Flags.string({ char: 'd', summary: 'Field separator of the labels CSV (default ,); \\t or tab for tabs.' }),
    'timestamp-column': Flags.string({ summary: 'The labels column holding each row\'s time.', default: 'event_timestamp' }),
    'timestamp-unit': Flags.string({ summary: 'Read timestamps as integer epochs in s or ms instead of ISO 8601.', options: ['s', 'ms'] }),
    'entity-column': Flags.string({ summary: 'Labels column(s) holding an entity\'s key: ENTITY=COLUMN[,COLUMN…]. Repeatable.', multiple: true }),
    strategy: Flags.string({ summary: 'How the join runs: in the database, as a streaming merge in spellbook, or auto.', options: [...STRATEGIES], default: 'auto' }),
    partitions: Flags.integer({
      summary: 'Key-hash partitions of the merge (1: one pass); default: one pass up to 1,048,576 labels, else one per 524,288.',
      description: 'More partitions hold less of the labels in memory at once, at the price of temporary files in the system temp folder.',
      env: 'SPELLBOOK_JOIN_PARTITIONS',
      min: 1,
      max: 4096,
    }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(Join);
    await this.withSpellbook(flags, async (book) => {
      const plan = await book.planJoin({
        features: flags.feature,
        inputFile: flags['input-file'],
        delimiter: flags.delimiter,
        inputQuery: flags['input-query'] === undefined ? undefined : readQueryFlag(flags['input-query']),
        timestampColumn: flags['timestamp-column'],
        timestampUnit: flags['timestamp-unit'] as 's' | 'ms' | undefined,
        entityColumns: parseEntityColumns(flags['entity-column']),
        knownAt: flags['known-at'],
        ttl: parseTtlFlags(flags.ttl),
        fullNames: flags['full-names'],
        strategy: flags.strategy as StrategyChoice,
        partitions: flags.partitions,
      });
      if (flags['dry-run']) return printPlan(book.describe(plan));
      const stats = book.newStats(plan);
      const started = performance.now();
      await book.writeJoin(plan, { format: flags.format as OutputFormat | undefined, output: flags.output, progress: { label: 'join', quiet: flags.quiet }, stats });
      if (wantsSummary(flags)) printSummary('join', stats, flags.output, performance.now() - started);
    });
  }
}
