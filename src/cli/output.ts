/** What `export` and `join` print besides their rows: the plan under --dry-run, and the end-of-run summary. */
import { stringify as yamlStringify } from 'yaml';
import type { RunStats } from '../pit/stats.js';

export function printPlan(plan: Record<string, unknown>): void {
  process.stdout.write(yamlStringify(plan, { lineWidth: 0 }));
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/**
 * The end-of-run summary: rows written, where, how long, and per group what matched — for
 * a join, labels that found a row; for an export, keys given a value; then the --key
 * values that matched nothing. The counts are the library's (RunStats, filled by the row
 * stream); this only words them.
 */
export function formatSummary(command: 'export' | 'join', stats: RunStats, output: string | undefined, elapsedMs: number): string {
  const where = (output ?? '-') === '-' ? 'stdout' : output!;
  const lines = [`${command}: ${plural(stats.rows, 'row')} written to ${where} in ${(elapsedMs / 1000).toFixed(1)}s`];
  for (const g of stats.groups) {
    lines.push(command === 'join' ? `  ${g.group}: ${g.matched} of ${plural(stats.rows, 'label')} matched a row` : `  ${g.group}: ${plural(g.matched, 'key')} exported`);
  }
  if (stats.unmatchedKeys.length > 0) {
    lines.push(`  --key matched nothing: ${stats.unmatchedKeys.map((k) => k.map(String).join(',')).join('; ')}`);
  }
  return lines.join('\n') + '\n';
}

/**
 * Whether to print the summary: never with --quiet; with --summary always; otherwise only
 * on a terminal, as progress is, so a script's or a CI log's stderr stays what it was
 * (deterministic: the summary holds a time).
 */
export function wantsSummary(flags: { quiet: boolean; summary: boolean }): boolean {
  if (flags.quiet) return false;
  return flags.summary || process.stderr.isTTY === true;
}

export function printSummary(...args: Parameters<typeof formatSummary>): void {
  process.stderr.write(formatSummary(...args));
}
