/**
 * `spellbook validate` (SPEC §3): the metadata against the live database, read-only.
 * Findings are data, not errors: the caller prints the report and exits 1 when there
 * are any.
 */
import type { ColumnInfo, Database, Row } from '../db/dialect.js';
import { SpellbookError } from '../errors.js';
import type { Group, Metadata } from '../metadata/types.js';
import { normaliseKeyValue } from '../core/keys.js';
import { dataQueries } from './data.js';
import { atText, finding, keyText, type Finding, type GroupReport, type ValidationReport } from './findings.js';
import { declaredColumns, schemaFindings, sourceName } from './schema.js';

export interface ValidateOptions {
  /** Also check the rows: duplicates, NULL keys and event times, event times in the future. */
  readonly data?: boolean;
  /** What "the future" is after, in epoch ms; default now. */
  readonly now?: number;
  /** Only these groups (default: every group). */
  readonly groups?: readonly string[];
}

/** A database failure as the sentence a finding carries, without the `database error: ` prefix. */
function reason(err: unknown): string {
  if (!(err instanceof SpellbookError)) throw err;
  return err.message.replace(/^database error: /, '');
}

async function sourceColumns(db: Database, group: Group): Promise<ColumnInfo[] | Finding> {
  if (group.source.kind === 'table') {
    const columns = await db.introspector.tableColumns(group.source.table);
    return columns ?? finding.missingTable(group.source.table);
  }
  try {
    return await db.introspector.queryColumns(group.source.sql);
  } catch (err) {
    return finding.queryFailed(reason(err));
  }
}

const count = (rows: Row[], column = 'n'): number => Number(rows[0]?.[column] ?? 0);

function exampleKeys(group: Group, rows: Row[]): string[] {
  return rows.map((row) => {
    const key = group.entityColumns.map((_, i) => normaliseKeyValue(row[`k${i}`], group.entity.keyTypes[i]!));
    const t = row['t'];
    return atText(keyText(group.entityColumns, key), t === null || t === undefined ? undefined : Number(t));
  });
}

async function dataFindings(db: Database, group: Group, now: number): Promise<Finding[]> {
  const q = dataQueries(db.compiler, group, now);
  const all = (query: typeof q.nullKeys) => db.driver.all(query);
  const findings: Finding[] = [];
  const dupColumns = [...group.entityColumns, ...(group.eventTime ? [group.eventTime.column] : []), ...(group.createdTime !== undefined ? [group.createdTime] : [])];
  const dup = await all(q.duplicateCount);
  if (count(dup, 'groups') > 0) {
    findings.push(finding.duplicates(dupColumns, count(dup, 'groups'), count(dup, 'rows'), exampleKeys(group, await all(q.duplicateExamples))));
  }
  const nullKeys = count(await all(q.nullKeys));
  if (nullKeys > 0) findings.push(finding.nullKey(group.entityColumns, nullKeys));
  if (group.eventTime && q.nullEventTimes && q.nullEventTimeExamples && q.futureCount && q.futureExamples) {
    const nulls = count(await all(q.nullEventTimes));
    if (nulls > 0) findings.push(finding.nullEventTime(group.eventTime.column, nulls, exampleKeys(group, await all(q.nullEventTimeExamples))));
    const future = count(await all(q.futureCount));
    if (future > 0) findings.push(finding.futureEventTime(group.eventTime.column, now, future, exampleKeys(group, await all(q.futureExamples))));
  }
  return findings;
}

async function validateGroup(db: Database, group: Group, options: ValidateOptions): Promise<GroupReport> {
  const report = (findings: Finding[]): GroupReport => ({ group: group.name, source: sourceName(group), findings });
  const columns = await sourceColumns(db, group);
  if (!Array.isArray(columns)) return report([columns]);
  const findings = schemaFindings(group, db.adapter, columns);
  // Data checks read the key and time columns; if those are missing or of the wrong
  // kind, their SQL would only fail, and the schema finding already says why.
  const timeOrKey = new Set(declaredColumns(group).filter((d) => d.role !== 'feature').map((d) => d.column));
  const blocked = findings.some((f) => f.column !== undefined && timeOrKey.has(f.column));
  if (options.data && !blocked) {
    try {
      findings.push(...(await dataFindings(db, group, options.now ?? Date.now())));
    } catch (err) {
      findings.push(finding.queryFailed(reason(err)));
    }
  }
  return report(findings);
}

/** Checks every group (or the ones named) against a database opened read-only. */
export async function validateMetadata(md: Metadata, db: Database, options: ValidateOptions = {}): Promise<ValidationReport> {
  let groups = md.groups;
  if (options.groups && options.groups.length > 0) {
    const unknown = options.groups.filter((name) => !md.groups.some((g) => g.name === name));
    if (unknown.length > 0) throw new SpellbookError('NOT_FOUND', `no group named ${unknown.map((n) => `"${n}"`).join(', ')}`);
    groups = md.groups.filter((g) => options.groups!.includes(g.name));
  }
  const reports: GroupReport[] = [];
  for (const group of groups) reports.push(await validateGroup(db, group, options));
  return { groups: reports, findings: reports.reduce((n, g) => n + g.findings.length, 0), data: options.data === true };
}
