/** The schema half of `validate`: declared columns against the catalog's. Pure. */
import type { ColumnInfo, DeclaredType, EngineAdapter } from '../db/dialect.js';
import { storedColumn, type Group } from '../metadata/types.js';
import { declaredPhrase, finding, type Finding } from './findings.js';

export interface DeclaredColumn {
  readonly column: string;
  /** Undefined: any type will do (the column a `count` aggregate counts the values of). */
  readonly declared: DeclaredType | undefined;
  readonly role: 'key' | 'event_time' | 'created_time' | 'feature';
  /** For messages: `key of entity user`, `feature account.balance`. */
  readonly what: string;
}

/** Every column a group reads, with what it is declared to hold; a column declared twice the same way once. */
export function declaredColumns(group: Group): DeclaredColumn[] {
  const out: DeclaredColumn[] = [];
  const add = (c: DeclaredColumn): void => {
    if (!out.some((o) => o.column === c.column && o.declared === c.declared)) out.push(c);
  };
  const time: DeclaredType = group.eventTime?.unit ? 'epoch' : 'timestamp';
  group.entityColumns.forEach((column, i) =>
    add({ column, declared: group.entity.keyTypes[i]!, role: 'key', what: `key of entity ${group.entity.name}` }),
  );
  if (group.eventTime) add({ column: group.eventTime.column, declared: time, role: 'event_time', what: `event time of group ${group.name}` });
  if (group.createdTime !== undefined) add({ column: group.createdTime, declared: time, role: 'created_time', what: `created time of group ${group.name}` });
  for (const f of group.features) {
    const stored = storedColumn(f);
    if (stored) add({ column: stored.column, declared: stored.type, role: 'feature', what: `feature ${f.fullName}` });
  }
  return out;
}

export function sourceName(group: Group): string {
  return group.source.kind === 'table' ? `table ${group.source.table}` : 'query';
}

/** Missing columns and columns whose catalog type does not fit the declared type. */
export function schemaFindings(group: Group, adapter: EngineAdapter, columns: readonly ColumnInfo[]): Finding[] {
  const byName = new Map(columns.map((c) => [c.name, c]));
  const findings: Finding[] = [];
  for (const d of declaredColumns(group)) {
    const info = byName.get(d.column);
    if (!info) {
      if (!findings.some((f) => f.kind === 'missing-column' && f.column === d.column)) {
        findings.push(finding.missingColumn(d.column, sourceName(group), d.what));
      }
      continue;
    }
    if (d.declared !== undefined && !adapter.typeFits(info, d.declared)) {
      findings.push(finding.typeMismatch(d.column, info.dbType, declaredPhrase(d.declared, group.eventTime?.unit)));
    }
  }
  return findings;
}
