/**
 * The SQL of `validate --data`, built from the compiler's own pieces (exactKey for keys,
 * epochMs for times), so a duplicate means the same key bytes and the same instant on
 * every engine, whatever the collation or the text form of the times. Pure.
 */
import type { CompiledQuery, QueryCompiler } from '../db/dialect.js';
import type { Group } from '../metadata/types.js';
import { SqlBuilder, sourceSql } from '../sql/builder.js';

/** Offending keys shown per finding. */
export const EXAMPLES = 3;

const S = 's';

function ref(compiler: QueryCompiler, column: string): string {
  return `${compiler.quoteIdentifier(S)}.${compiler.quoteIdentifier(column)}`;
}

function keyAlias(i: number): string {
  return `k${i}`;
}

function parts(compiler: QueryCompiler, group: Group) {
  const from = sourceSql(compiler, group.source, S);
  const keys = group.entityColumns.map((c, i) => compiler.exactKey(ref(compiler, c), group.entity.keyTypes[i]!));
  const keyList = keys.map((k, i) => `${k} AS ${compiler.quoteIdentifier(keyAlias(i))}`).join(', ');
  const keyOrder = group.entityColumns.map((_, i) => compiler.quoteIdentifier(keyAlias(i))).join(', ');
  const keysPresent = group.entityColumns.map((c) => `${ref(compiler, c)} IS NOT NULL`);
  const event = group.eventTime && compiler.epochMs(ref(compiler, group.eventTime.column), group.eventTime.unit);
  return { from, keys, keyList, keyOrder, keysPresent, event };
}

export interface DataQueries {
  /** `groups`, `rows`: distinct duplicated values and the rows they cover. */
  readonly duplicateCount: CompiledQuery;
  /** k0…, `t`: the first duplicated values in key order. */
  readonly duplicateExamples: CompiledQuery;
  /** `n` */
  readonly nullKeys: CompiledQuery;
  /** `n`; absent for a static group. */
  readonly nullEventTimes?: CompiledQuery;
  readonly nullEventTimeExamples?: CompiledQuery;
  /** `n` of rows with an event time after `now`. */
  readonly futureCount?: CompiledQuery;
  readonly futureExamples?: CompiledQuery;
}

/**
 * Duplicates are rows sharing key and event time, and created time too where the group
 * declares one (equal event times with distinct created times are tie-broken, not
 * duplicates). A static group's duplicates are repeated keys.
 */
export function dataQueries(compiler: QueryCompiler, group: Group, now: number): DataQueries {
  const q = (name: string) => compiler.quoteIdentifier(name);
  const { from, keys, keyList, keyOrder, keysPresent, event } = parts(compiler, group);
  const grouping = [...keys];
  const where = [...keysPresent];
  let select = keyList;
  if (event) {
    grouping.push(event);
    where.push(`${ref(compiler, group.eventTime!.column)} IS NOT NULL`);
    select += `, ${event} AS ${q('t')}`;
  }
  if (group.createdTime !== undefined) grouping.push(compiler.epochMs(ref(compiler, group.createdTime), group.eventTime?.unit));
  const duplicates =
    `SELECT ${select}, COUNT(*) AS ${q('n')} FROM ${from} WHERE ${where.join(' AND ')}` +
    ` GROUP BY ${grouping.join(', ')} HAVING COUNT(*) > 1`;
  const d = q('d');
  const order = event ? `${keyOrder}, ${q('t')}` : keyOrder;
  const plain = (sql: string): CompiledQuery => ({ sql, parameters: [] });
  const queries: DataQueries = {
    duplicateCount: plain(`SELECT COUNT(*) AS ${q('groups')}, SUM(${d}.${q('n')}) AS ${q('rows')} FROM (${duplicates}) AS ${d}`),
    duplicateExamples: plain(`SELECT * FROM (${duplicates}) AS ${d} ORDER BY ${order} LIMIT ${EXAMPLES}`),
    nullKeys: plain(`SELECT COUNT(*) AS ${q('n')} FROM ${from} WHERE ${keysPresent.map((k) => `NOT (${k})`).join(' OR ')}`),
  };
  if (!event) return queries;
  const column = ref(compiler, group.eventTime!.column);
  const future = (sqlOf: (after: string) => string): CompiledQuery => {
    const b = new SqlBuilder(compiler);
    return b.compile(sqlOf(b.bind(now)));
  };
  return {
    ...queries,
    nullEventTimes: plain(`SELECT COUNT(*) AS ${q('n')} FROM ${from} WHERE ${column} IS NULL`),
    nullEventTimeExamples: plain(
      `SELECT ${keyList} FROM ${from} WHERE ${column} IS NULL AND ${keysPresent.join(' AND ')} ORDER BY ${keyOrder} LIMIT ${EXAMPLES}`,
    ),
    futureCount: future((after) => `SELECT COUNT(*) AS ${q('n')} FROM ${from} WHERE ${event} > ${after}`),
    futureExamples: future(
      (after) => `SELECT ${keyList}, ${event} AS ${q('t')} FROM ${from} WHERE ${event} > ${after} AND ${keysPresent.join(' AND ')} ORDER BY ${keyOrder}, ${q('t')} LIMIT ${EXAMPLES}`,
    ),
  };
}
