/**
 * `spellbook init`'s guesses, pure: from what the catalog says about some tables to the
 * entities, groups and features of a first metadata file. Every guess a person should
 * confirm (the key, the times, a type chosen among several) carries a `check` note that
 * the rendered file shows as a `# check:` comment.
 *
 * Types are chosen with the engine's own `typeFits`, the rule `validate` applies, so the
 * file written always passes `validate`; a column no spellbook type fits is left out
 * (commented) rather than guessed.
 */
import type { ColumnInfo, DeclaredType } from '../db/dialect.js';
import type { FeatureType, KeyType } from '../metadata/types.js';

/** What `init` reads of one table. */
export interface TableCatalog {
  readonly name: string;
  readonly columns: readonly ColumnInfo[];
  /** Primary key columns in key order; empty when none. */
  readonly primaryKey: readonly string[];
}

export interface GuessedEntity {
  readonly name: string;
  readonly key: readonly string[];
  readonly types: readonly KeyType[];
  readonly check: string;
}

export interface GuessedFeature {
  readonly name: string;
  readonly column: string;
  readonly type: FeatureType;
  readonly dbType: string;
  /** Set when the type was one choice among several the column fits. */
  readonly check?: string;
}

export interface GuessedGroup {
  readonly name: string;
  readonly table: string;
  readonly entity: string;
  readonly eventTime?: { readonly column: string; readonly check: string };
  readonly createdTime?: { readonly column: string; readonly check: string };
  readonly features: readonly GuessedFeature[];
  /** Columns left out, with why (no spellbook type fits them). */
  readonly skipped: readonly { readonly column: string; readonly why: string }[];
}

export interface Scaffold {
  readonly entities: readonly GuessedEntity[];
  readonly groups: readonly GuessedGroup[];
  /** Tables that got no group, with why (no key column could be guessed, no feature column). */
  readonly skippedTables: readonly { readonly table: string; readonly why: string }[];
}

/** Whether a catalog column holds values of a declared type: the engine's `typeFits`. */
export type Fits = (column: ColumnInfo, declared: DeclaredType) => boolean;

/** Names that say "when this happened", best first. */
const EVENT_NAMES = /^(event_time|event_timestamp|event_ts|updated_at|update_time|modified_at|valid_from|as_of|ts|timestamp|time|date)$/i;
/** Names that say "when this row was written", best first. */
const CREATED_NAMES = /^(created_time|created_at|create_time|loaded_at|load_time|ingested_at|inserted_at|inserted_time)$/i;
/** Any name that looks like a point in time. */
const TIME_NAME = /(^|_)(at|time|timestamp|ts|date|day)$|^(timestamp|ts|time|date)$/i;
const KEY_NAME = /(^id$|_id$)/i;

const dbTypeSaysTime = (t: string) => /time|date/i.test(t);
const dbTypeSaysDateOnly = (t: string) => /^date$/i.test(t.trim());
const dbTypeSaysBool = (t: string) => /^(bool|boolean|bit)\b/i.test(t.trim());

/**
 * The feature type of a column: the most specific type that fits it. Time-like types (or
 * SQLite text under a time-like name) become timestamp or date; a type that fits both
 * bool and int is bool only when the catalog type says boolean.
 */
export function featureType(column: ColumnInfo, fits: Fits): { type: FeatureType; check?: string } | undefined {
  const t = column.dbType;
  if (dbTypeSaysDateOnly(t) && fits(column, 'date')) return { type: 'date' };
  if (dbTypeSaysTime(t) && fits(column, 'timestamp')) return { type: 'timestamp' };
  if (fits(column, 'bool') && (!fits(column, 'int') || dbTypeSaysBool(t))) return { type: 'bool' };
  if (fits(column, 'int')) {
    // MariaDB's BOOLEAN is TINYINT: the catalog cannot tell a flag from a small number.
    return t.trim() === 'tinyint' ? { type: 'int', check: 'tinyint: int, or bool if it holds 0/1 flags' } : { type: 'int' };
  }
  if (fits(column, 'float')) return { type: 'float' };
  if (TIME_NAME.test(column.name) && fits(column, 'timestamp') && fits(column, 'string')) {
    return { type: 'timestamp', check: `${t || 'untyped'} column named like a time: timestamp if it holds ISO text, else string` };
  }
  if (fits(column, 'string')) return { type: 'string' };
  return undefined;
}

/** `user_id` → `user`; `id` of table `users` → `users`. */
function entityName(key: readonly string[], table: string): string {
  const first = key[0]!;
  const base = first.toLowerCase() === 'id' ? table : first.replace(/_?id$/i, '');
  return key.length === 1 ? base || table : key.map((k) => k.replace(/_?id$/i, '') || k).join('_');
}

interface TimeColumns {
  eventTime?: { column: string; check: string };
  createdTime?: { column: string; check: string };
}

/** The event and created time among the table's timestamp columns, by name. */
function guessTimes(timestamps: readonly string[]): TimeColumns {
  const event = timestamps.find((c) => EVENT_NAMES.test(c)) ?? timestamps.find((c) => !CREATED_NAMES.test(c));
  const created = timestamps.find((c) => CREATED_NAMES.test(c) && c !== event);
  const out: TimeColumns = {};
  if (event !== undefined) {
    out.eventTime = { column: event, check: 'the time each row\'s values became true; remove event_time for a static table (one row per key)' };
  } else if (created !== undefined) {
    // Only a creation time: rows are events recorded when they happened.
    return { eventTime: { column: created, check: 'the only time column: is it when each row\'s values became true?' } };
  }
  if (created !== undefined) out.createdTime = { column: created, check: 'when each row was written; breaks ties and drives --known-at' };
  return out;
}

/** The key: the primary key without its time columns, else the first `*_id`/`id` column. */
function guessKey(table: TableCatalog, timeColumns: ReadonlySet<string>): { key: string[]; check: string } | undefined {
  const pk = table.primaryKey.filter((c) => !timeColumns.has(c));
  if (pk.length > 0) return { key: pk, check: `from the primary key (${table.primaryKey.join(', ')})` };
  const named = table.columns.find((c) => KEY_NAME.test(c.name) && !timeColumns.has(c.name));
  if (named) return { key: [named.name], check: `guessed from the column name ${named.name} (the table has no primary key)` };
  return undefined;
}

export function guessScaffold(tables: readonly TableCatalog[], fits: Fits): Scaffold {
  const entities: GuessedEntity[] = [];
  const groups: GuessedGroup[] = [];
  const skippedTables: { table: string; why: string }[] = [];
  for (const table of tables) {
    const typed = table.columns.map((c) => ({ column: c, guess: featureType(c, fits) }));
    const timestamps = typed.filter((t) => t.guess?.type === 'timestamp').map((t) => t.column.name);
    const times = guessTimes(timestamps);
    const timeColumns = new Set([times.eventTime?.column, times.createdTime?.column].filter((c): c is string => c !== undefined));
    const key = guessKey(table, timeColumns);
    if (!key) {
      skippedTables.push({ table: table.name, why: 'no primary key and no column named id or *_id to use as the key' });
      continue;
    }
    const keyTypes = key.key.map((k): KeyType => (fits(table.columns.find((c) => c.name === k)!, 'int') ? 'int' : 'string'));
    const entity = sameEntity(entities, key.key, keyTypes) ?? addEntity(entities, entityName(key.key, table.name), key.key, keyTypes, key.check);
    const used = new Set([...key.key, ...timeColumns]);
    const features: GuessedFeature[] = [];
    const skipped: { column: string; why: string }[] = [];
    for (const { column, guess } of typed) {
      if (used.has(column.name)) continue;
      if (!guess) skipped.push({ column: column.name, why: `${column.dbType || 'untyped'}: no spellbook type fits it` });
      else features.push({ name: column.name, column: column.name, type: guess.type, dbType: column.dbType, ...(guess.check ? { check: guess.check } : {}) });
    }
    if (features.length === 0) {
      skippedTables.push({ table: table.name, why: 'no column left for a feature once the key and times are taken' });
      continue;
    }
    groups.push({ name: table.name, table: table.name, entity: entity.name, ...times, features, skipped });
  }
  return { entities, groups, skippedTables };
}

function sameEntity(entities: readonly GuessedEntity[], key: readonly string[], types: readonly KeyType[]): GuessedEntity | undefined {
  return entities.find((e) => e.key.join('\u0000') === key.join('\u0000') && e.types.join() === types.join());
}

/** A new entity, named apart from any existing one with the same name but another key or type. */
function addEntity(entities: GuessedEntity[], name: string, key: readonly string[], types: readonly KeyType[], check: string): GuessedEntity {
  let unique = name;
  for (let n = 2; entities.some((e) => e.name === unique); n++) unique = `${name}_${n}`;
  const entity = { name: unique, key, types, check };
  entities.push(entity);
  return entity;
}
