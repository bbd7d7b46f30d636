/**
 * The three statements point-in-time work needs, built per dialect. Pure: SQL text and
 * parameters out, nothing executed here.
 *
 * - scan: every row of a group (the streaming merge does the as-of logic in Node);
 * - latest: the winning row per key at one instant (export), sorted by key;
 * - join chunk: the winning row per label for a chunk of labels sent as one JSON parameter.
 */
import type { CompiledQuery, SqlDialect } from '../db/dialect.js';
import type { Feature, Group } from '../metadata/types.js';
import type { KeyTuple } from '../pit/keys.js';
import { SqlBuilder, sourceSql } from './builder.js';
import { GroupColumns, KEY_ALIAS } from './group-columns.js';

export interface TimeParams {
  readonly ttlMs?: number;
  readonly knownAt: boolean;
}

const SRC = 'src';

/** All rows of the group, unordered; rows newer than `notAfter` are left in the database. */
export function scanQuery(dialect: SqlDialect, group: Group, features: readonly Feature[], notAfter?: number): CompiledQuery {
  const b = new SqlBuilder(dialect);
  const cols = new GroupColumns(dialect, group, features, SRC);
  const e = cols.event();
  const where = e && notAfter !== undefined ? ` WHERE ${e} <= ${b.bind(notAfter)}` : '';
  return b.compile(`SELECT ${cols.selectList()} FROM ${sourceSql(dialect, group.source, SRC)}${where}`);
}

/** The latest visible row of every key at `at`, ordered by key (SPEC §2, §3 export). */
export function latestQuery(
  dialect: SqlDialect,
  group: Group,
  features: readonly Feature[],
  at: number,
  time: TimeParams,
  keys?: readonly KeyTuple[],
): CompiledQuery {
  const b = new SqlBuilder(dialect);
  const q = (name: string) => dialect.quoteIdentifier(name);
  const cols = new GroupColumns(dialect, group, features, SRC);
  const where = cols.keys().map((k) => `${k} IS NOT NULL`);
  if (cols.event()) {
    const atParam = b.bind(at);
    const notBefore = time.ttlMs === undefined ? undefined : b.bind(at - time.ttlMs);
    where.push(...cols.visibleAt(atParam, notBefore, time.knownAt));
  }
  if (keys !== undefined) where.push(keyFilter(b, cols, keys));
  const order = cols.priorityOrder();
  const window = `ROW_NUMBER() OVER (PARTITION BY ${cols.exactKeys().join(', ')}${order ? ` ORDER BY ${order}` : ''})`;
  const keyOrder = group.entity.keyTypes.map((type, i) => dialect.keyOrder(`${q('w')}.${q(KEY_ALIAS(i))}`, type));
  return b.compile(
    `SELECT * FROM (SELECT ${cols.selectList()}, ${window} AS ${q('__rn')}` +
      ` FROM ${sourceSql(dialect, group.source, SRC)} WHERE ${where.join(' AND ')}) AS ${q('w')}` +
      ` WHERE ${q('w')}.${q('__rn')} = 1 ORDER BY ${keyOrder.join(', ')}`,
  );
}

function keyFilter(b: SqlBuilder, cols: GroupColumns, keys: readonly KeyTuple[]): string {
  if (keys.length === 0) return '1 = 0';
  const native = cols.keys();
  const exact = cols.exactKeys();
  const one = (key: KeyTuple) =>
    native.map((k, i) => {
      const p = b.bind(key[i]);
      // The native comparison lets an index on the key be used; the exact one rules out
      // collation matches such as 'abc' = 'ABC' on MariaDB.
      return exact[i] === k ? `${k} = ${p}` : `${k} = ${p} AND ${exact[i]} = ${b.dialect.exactKey(p, 'string')}`;
    }).join(' AND ');
  return `(${keys.map((k) => `(${one(k)})`).join(' OR ')})`;
}

/** Labels sent to the database: label number, time (epoch ms) and key values, one row each. */
export interface LabelChunk {
  /** JSON text of `[[labelNumber, timeMs, key0, key1, …], …]`. */
  readonly json: string;
}

/** The winning row per label of a chunk; labels with no visible row are absent from the result. */
export function joinChunkQuery(dialect: SqlDialect, group: Group, features: readonly Feature[], time: TimeParams, chunk: LabelChunk): CompiledQuery {
  const b = new SqlBuilder(dialect);
  const q = (name: string) => dialect.quoteIdentifier(name);
  const cols = new GroupColumns(dialect, group, features, SRC);
  const l = (name: string) => `${q('l')}.${q(name)}`;
  const labels = dialect.jsonRows(b.bind(chunk.json), 'l', [
    { name: '__i', type: 'int' },
    { name: '__t', type: 'float' },
    ...group.entity.keyTypes.map((type, i) => ({ name: KEY_ALIAS(i), type })),
  ]);
  const on = cols.keys().flatMap((k, i) => {
    const type = group.entity.keyTypes[i]!;
    const exactSrc = cols.exactKeys()[i]!;
    const native = `${k} = ${l(KEY_ALIAS(i))}`;
    return exactSrc === k ? [native] : [native, `${exactSrc} = ${dialect.exactKey(l(KEY_ALIAS(i)), type)}`];
  });
  const notBefore = time.ttlMs === undefined ? undefined : `${l('__t')} - ${Math.trunc(time.ttlMs)}`;
  const where = cols.visibleAt(l('__t'), notBefore, time.knownAt);
  const order = cols.priorityOrder();
  const window = `ROW_NUMBER() OVER (PARTITION BY ${l('__i')}${order ? ` ORDER BY ${order}` : ''})`;
  return b.compile(
    `SELECT * FROM (SELECT ${l('__i')} AS ${q('__i')}, ${cols.selectList()}, ${window} AS ${q('__rn')}` +
      ` FROM ${labels} JOIN ${sourceSql(dialect, group.source, SRC)} ON ${on.join(' AND ')}` +
      (where.length > 0 ? ` WHERE ${where.join(' AND ')}` : '') +
      `) AS ${q('w')} WHERE ${q('w')}.${q('__rn')} = 1`,
  );
}
