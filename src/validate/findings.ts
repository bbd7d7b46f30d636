/**
 * What `validate` reports, as data, and how a person reads it: one line per finding,
 * `group: message`, grouped by group in metadata order. Pure.
 */
import type { DeclaredType } from '../db/dialect.js';
import type { EpochUnit } from '../metadata/types.js';
import type { KeyValue } from '../core/keys.js';
import { formatInstant } from '../time/instant.js';

export type FindingKind =
  | 'missing-table'
  | 'query-failed'
  | 'missing-column'
  | 'type-mismatch'
  | 'duplicate-rows'
  | 'null-key'
  | 'null-event-time'
  | 'future-event-time';

export interface Finding {
  readonly kind: FindingKind;
  /** The sentence after `group: `. */
  readonly message: string;
  readonly column?: string;
  /** The catalog's type of the column (type-mismatch). */
  readonly dbType?: string;
  /** What the metadata declares for it (type-mismatch). */
  readonly declared?: string;
  /** Rows concerned (data findings). */
  readonly rows?: number;
  /** A few offending keys, as text (data findings). */
  readonly examples?: readonly string[];
}

export interface GroupReport {
  readonly group: string;
  /** `table accounts` or `query`. */
  readonly source: string;
  readonly findings: readonly Finding[];
}

export interface ValidationReport {
  readonly groups: readonly GroupReport[];
  /** Findings over all groups; 0 means clean. */
  readonly findings: number;
  /** Whether the data checks ran (`--data`). */
  readonly data: boolean;
}

export function declaredPhrase(declared: DeclaredType, unit?: EpochUnit): string {
  return declared === 'epoch' ? `an integer epoch in ${unit ?? 's'}` : declared;
}

const rowsPhrase = (n: number): string => `${n} row${n === 1 ? '' : 's'}`;

/** `user_id=1` or `(user_id=1, merchant_id=m_2)`. */
export function keyText(columns: readonly string[], key: readonly (KeyValue | undefined)[]): string {
  const parts = columns.map((c, i) => `${c}=${key[i] === undefined ? 'NULL' : String(key[i])}`);
  return parts.length === 1 ? parts[0]! : `(${parts.join(', ')})`;
}

export function atText(key: string, time: number | undefined): string {
  return time === undefined ? key : `${key} at ${formatInstant(time)}`;
}

const examplesText = (examples: readonly string[]): string => (examples.length === 0 ? '' : `, e.g. ${examples.join('; ')}`);

export const finding = {
  missingTable: (table: string): Finding => ({ kind: 'missing-table', message: `table ${table} does not exist` }),
  queryFailed: (reason: string): Finding => ({ kind: 'query-failed', message: `query fails: ${reason}` }),
  missingColumn: (column: string, source: string, what: string): Finding => ({
    kind: 'missing-column',
    column,
    message: source === 'query' ? `column ${column} is not returned by the query (${what})` : `column ${column} does not exist in ${source} (${what})`,
  }),
  typeMismatch: (column: string, dbType: string, declared: string): Finding => ({
    kind: 'type-mismatch',
    column,
    dbType,
    declared,
    message: `column ${column} is ${dbType || 'untyped'}, declared ${declared}`,
  }),
  duplicates: (columns: readonly string[], values: number, rows: number, examples: readonly string[]): Finding => ({
    kind: 'duplicate-rows',
    rows,
    examples,
    message: `${values} duplicate (${columns.join(', ')}) value${values === 1 ? '' : 's'} in ${rowsPhrase(rows)}${examplesText(examples)}`,
  }),
  nullKey: (columns: readonly string[], rows: number): Finding => ({
    kind: 'null-key',
    rows,
    message: `${rowsPhrase(rows)} with a NULL key (${columns.join(', ')})`,
  }),
  nullEventTime: (column: string, rows: number, examples: readonly string[]): Finding => ({
    kind: 'null-event-time',
    column,
    rows,
    examples,
    message: `${rowsPhrase(rows)} with a NULL event time (${column})${examplesText(examples)}`,
  }),
  futureEventTime: (column: string, now: number, rows: number, examples: readonly string[]): Finding => ({
    kind: 'future-event-time',
    column,
    rows,
    examples,
    message: `${rowsPhrase(rows)} with an event time (${column}) in the future (after ${formatInstant(now)})${examplesText(examples)}`,
  }),
};

/** The readable report: a line per finding, then a summary line. */
export function renderReport(report: ValidationReport): string {
  const lines: string[] = [];
  for (const g of report.groups) for (const f of g.findings) lines.push(`${g.group}: ${f.message}`);
  const groups = report.groups.length;
  const checked = `${groups} group${groups === 1 ? '' : 's'} checked${report.data ? ' (schema and data)' : ''}`;
  if (report.findings === 0) {
    lines.push(`${checked}: no findings`);
  } else {
    const affected = report.groups.filter((g) => g.findings.length > 0).length;
    lines.push(`${checked}: ${report.findings} finding${report.findings === 1 ? '' : 's'} in ${affected} group${affected === 1 ? '' : 's'}`);
  }
  return lines.join('\n') + '\n';
}
