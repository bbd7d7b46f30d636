/** Flags shared by `export` and `join`, and their parsing into library requests. */
import { Flags } from '@oclif/core';
import { OptionError, usage, type SpellbookError } from '../errors.js';
import { OUTPUT_FORMATS } from '../io/encoders.js';
import { parseDuration, DURATION_HINT } from '../time/duration.js';

export const pitFlags = {
  summary: Flags.boolean({
    summary: 'Print the end-of-run summary to stderr even when it is not a terminal.',
    description: 'On a terminal the summary is printed unless --quiet; into a pipe or a log only with --summary, so scripts see only what they asked for.',
  }),
  feature: Flags.string({
    char: 'f',
    summary: 'Features to fetch: group.feature or group.*; comma-separated or repeated.',
    multiple: true,
    required: true,
  }),
  output: Flags.string({ char: 'o', summary: 'Output file (default: stdout). Written under a temporary name and renamed on success.' }),
  format: Flags.string({ summary: 'Output format (default: from the --output extension: .jsonl/.ndjson, .parquet; else csv).', options: [...OUTPUT_FORMATS] }),
  'full-names': Flags.boolean({ summary: 'Name feature columns group.feature.' }),
  'known-at': Flags.boolean({ summary: 'Also hide rows whose created_time is after the time: what was known then.' }),
  ttl: Flags.string({ summary: 'Override a group\'s ttl for this run: GROUP=DURATION (e.g. account=7d). Repeatable.', multiple: true }),
  'dry-run': Flags.boolean({ summary: 'Print the plan and the SQL that would run, and exit without touching data.' }),
};

export function parseTtlFlags(values: readonly string[] | undefined): Record<string, number> {
  const out: Record<string, number> = {};
  for (const v of values ?? []) {
    const eq = v.indexOf('=');
    const group = v.slice(0, eq).trim();
    const ms = eq > 0 ? parseDuration(v.slice(eq + 1)) : undefined;
    if (eq <= 0 || ms === undefined) throw usage(`--ttl ${v}: expected GROUP=DURATION with ${DURATION_HINT}`);
    out[group] = ms;
  }
  return out;
}


/** The flag of each library option a command passes on (see OptionError). */
const FLAG_OF_OPTION: Readonly<Record<string, string>> = {
  features: '--feature',
  fullNames: '--full-names',
  ttl: '--ttl',
  limit: '--limit',
  keys: '--key',
  entityColumns: '--entity-column',
  snapshot: '--snapshot-date',
  inputQuery: '--input-query',
  delimiter: '--delimiter',
  createTable: '--create-table',
  strategy: '--strategy',
};

/** An error's message as the CLI prints it: a library option's name replaced by its flag. */
export function inFlagWords(err: SpellbookError): string {
  if (!(err instanceof OptionError)) return err.message;
  const flag = FLAG_OF_OPTION[err.option];
  return flag === undefined ? err.message : err.withFlag(flag);
}
