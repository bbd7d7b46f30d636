/**
 * Which columns an import file of a group must have, and what each holds. Pure: the
 * header check and the per-row conversion are tested without a database.
 */
import type { ImportValue } from '../db/dialect.js';
import { formatProblem, SpellbookError } from '../errors.js';
import { storedColumn, type EpochUnit, type FeatureType, type Group } from '../metadata/types.js';
import { suggest } from '../util/suggest.js';
import { INVALID, typePhrase, valueParser, type ValueParser } from './values.js';

export type ColumnRole = 'key' | 'event_time' | 'created_time' | 'feature';

export interface ImportColumn {
  /** The table column, which is also the file's header name. */
  readonly name: string;
  readonly role: ColumnRole;
  /** The declared type values are checked against. */
  readonly type: FeatureType;
  /** Set when the column holds integer epochs (the group's event_time_unit). */
  readonly unit?: EpochUnit;
  /** Keys and the event time: a row without one could never be found or seen. */
  readonly required: boolean;
  /** What the column is, for messages: `the key of entity user`, `feature account.balance`. */
  readonly what: string;
}

/** The group's columns in table order: keys, event time, created time, features. A column shared by two roles appears once, in its first role. */
export function importColumns(group: Group): ImportColumn[] {
  const out: ImportColumn[] = [];
  const add = (c: ImportColumn): void => {
    if (!out.some((o) => o.name === c.name)) out.push(c);
  };
  group.entityColumns.forEach((name, i) =>
    add({ name, role: 'key', type: group.entity.keyTypes[i]!, required: true, what: `the key of entity ${group.entity.name}` }),
  );
  const unit = group.eventTime?.unit;
  if (group.eventTime) {
    add({ name: group.eventTime.column, role: 'event_time', type: 'timestamp', ...(unit ? { unit } : {}), required: true, what: `the event time of group ${group.name}` });
  }
  if (group.createdTime !== undefined) {
    add({ name: group.createdTime, role: 'created_time', type: 'timestamp', ...(unit ? { unit } : {}), required: false, what: `the created time of group ${group.name}` });
  }
  for (const f of group.features) {
    // A count of rows reads no column; a count of a column's values takes any text.
    const stored = storedColumn(f);
    if (stored) add({ name: stored.column, role: 'feature', type: stored.type ?? 'string', required: false, what: `feature ${f.fullName}` });
  }
  return out;
}

/** What the table column stores: integer epochs are ints, everything else its declared type. */
export function storedType(column: ImportColumn): FeatureType {
  return column.unit ? 'int' : column.type;
}

/**
 * Where each import column sits in the header. Problems, in the order a person fixes
 * them: a duplicate header name, an unknown column, a missing one.
 */
export function matchHeader(file: string, header: readonly string[], columns: readonly ImportColumn[], group: Group): number[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const name of header) {
    if (seen.has(name)) problems.push(`duplicate column "${name}" in the header`);
    seen.add(name);
  }
  const known = columns.map((c) => c.name);
  for (const name of header) {
    if (known.includes(name)) continue;
    const feature = group.features.find((f) => f.name === name && f.column !== name);
    const hint = feature
      ? ` (feature ${feature.fullName} is stored in column "${feature.column}": name the header after the column)`
      : suggest(name, known) || ` (group ${group.name} has ${known.join(', ')})`;
    problems.push(`unknown column "${name}"${hint}`);
  }
  for (const c of columns) if (!seen.has(c.name)) problems.push(`missing column "${c.name}" (${c.what})`);
  // Every header problem at once, one line each, so one edit fixes the file.
  if (problems.length > 0) throw new SpellbookError('BAD_INPUT', problems.map((message) => formatProblem({ file, line: 1, message })).join('\n'));
  return columns.map((c) => header.indexOf(c.name));
}

/** A bad field, before its line is known: `bal: "abc" is not a float`. */
export class ValueProblem extends Error {
  constructor(
    message: string,
    /** The header name of the field, and its text: kept on the error as data. */
    readonly column: string,
    readonly value: string,
  ) {
    super(message);
  }
}

/** Turns records of a file into rows of values in `columns` order, or throws a ValueProblem for the first bad field. */
export class RowConverter {
  private readonly parsers: ValueParser[];

  constructor(
    private readonly columns: readonly ImportColumn[],
    private readonly indexes: readonly number[],
  ) {
    this.parsers = columns.map((c) => valueParser(c.type, c.unit));
  }

  convert(record: readonly string[]): ImportValue[] {
    const row = new Array<ImportValue>(this.columns.length);
    for (let i = 0; i < this.columns.length; i++) {
      const text = record[this.indexes[i]!] ?? '';
      const value = this.parsers[i]!(text);
      const column = this.columns[i]!;
      if (value === INVALID) {
        throw new ValueProblem(`${column.name}: ${JSON.stringify(text)} is not ${typePhrase(column.type, column.unit)}`, column.name, text);
      }
      if (value === null && column.required) {
        throw new ValueProblem(`${column.name}: missing value (${column.what} cannot be empty)`, column.name, text);
      }
      // Epoch columns store the instant in their unit; parsing already made sure it is whole.
      row[i] = column.unit === 's' && value !== null ? (value as number) / 1000 : value;
    }
    return row;
  }
}
