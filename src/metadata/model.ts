/**
 * Semantic checks the schema cannot express (references, uniqueness, lengths that must
 * agree) and the construction of the typed model with every default applied. Works on
 * data that may have failed the schema, so every access is defensive: a value already
 * reported as malformed is skipped, never reported twice.
 */
import { parseDuration } from '../time/duration.js';
import { childPointer, describeValue, suggestion, type Problems } from './problems.js';
import { secondStatementAt, withoutTrailingSemicolon } from './statements.js';
import { AGGREGATE_TYPES, type Aggregate, type AggregateFunction, type ConnectionSource, type Entity, type EventTime, type Feature, type FeatureType, type Group, type KeyType, type Metadata, type Source } from './types.js';

type Raw = Record<string, unknown>;

function isRecord(v: unknown): v is Raw {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function list(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

/** A string, or a list of strings (`key`, `entity_columns`); undefined when malformed. */
function names(v: unknown): string[] | undefined {
  if (typeof v === 'string') return [v];
  if (Array.isArray(v) && v.length > 0 && v.every((x) => typeof x === 'string')) return v as string[];
  return undefined;
}

interface Context {
  readonly problems: Problems;
  readonly file: string;
  /** The file as the user named it, for messages. */
  readonly path: string;
  readonly dir: string;
  readonly ignoreConnection: boolean;
}

export function buildMetadata(raw: Raw, ctx: Context): Metadata | undefined {
  const { problems } = ctx;
  const entities = checkEntities(raw['entities'], ctx);
  const groups = checkGroups(raw['groups'], entities, ctx);

  let connection: ConnectionSource | undefined;
  if (raw['connection'] !== undefined && !ctx.ignoreConnection && !problems.hasWithin('/connection')) {
    connection = connectionSource(raw['connection'], ctx);
  }

  if (problems.count > 0) return undefined;
  return {
    file: ctx.file,
    dir: ctx.dir,
    version: 1,
    ...(connection ? { connection } : {}),
    entities: [...entities.built.values()],
    groups,
  };
}

/**
 * `connection:` as written, engine-neutral: the engines say what it means when it is
 * resolved (src/db/connection.ts). `read_only` is spellbook's own key, not the engine's.
 */
function connectionSource(raw: unknown, ctx: Context): ConnectionSource {
  const { line, col } = ctx.problems.locate('/connection').value;
  const at = { file: ctx.path, line, col };
  if (typeof raw === 'string') return { written: raw, readOnly: false, dir: ctx.dir, at };
  const { read_only: readOnly, ...written } = raw as Raw;
  return { written, readOnly: readOnly === true, dir: ctx.dir, at };
}

/** Reports a second use of a name; returns false for a duplicate. */
function unique(
  seen: Map<string, string>,
  name: unknown,
  pointer: string,
  what: string,
  ctx: Context,
  scope = '',
): boolean {
  if (typeof name !== 'string' || ctx.problems.has(pointer)) return true;
  const first = seen.get(name);
  if (first === undefined) {
    seen.set(name, pointer);
    return true;
  }
  const line = ctx.problems.locate(first).value.line;
  ctx.problems.at(pointer, `duplicate ${what} ${JSON.stringify(name)}${scope}, first defined on line ${line}`);
  return false;
}

/** Reports a column listed twice (in `key` or `entity_columns`). */
function distinct(columns: readonly string[], pointer: string, ctx: Context): void {
  if (!Array.isArray(columns) || columns.length < 2) return;
  columns.forEach((c, i) => {
    if (columns.indexOf(c) !== i) ctx.problems.at(childPointer(pointer, i), `expected distinct column names, got ${JSON.stringify(c)} twice`);
  });
}

interface Entities {
  /** Every entity name written, valid or not, so a bad entity does not also break its groups' references. */
  readonly declared: Set<string>;
  readonly built: Map<string, Entity>;
}

function checkEntities(rawEntities: unknown, ctx: Context): Entities {
  const { problems } = ctx;
  const declared = new Set<string>();
  const built = new Map<string, Entity>();
  const seen = new Map<string, string>();
  list(rawEntities).forEach((e, i) => {
    const at = childPointer('/entities', i);
    if (!isRecord(e)) return;
    if (typeof e['name'] === 'string') declared.add(e['name']);
    if (!unique(seen, e['name'], childPointer(at, 'name'), 'entity', ctx)) return;

    const keyColumns = problems.has(childPointer(at, 'key')) ? undefined : names(e['key']);
    if (keyColumns && Array.isArray(e['key'])) distinct(keyColumns, childPointer(at, 'key'), ctx);

    let keyTypes: KeyType[] | undefined;
    const typeAt = childPointer(at, 'type');
    const rawType = e['type'];
    if (keyColumns && !problems.hasWithin(typeAt)) {
      if (rawType === undefined) keyTypes = keyColumns.map(() => 'string');
      // One type for a composite key applies to every key column.
      else if (typeof rawType === 'string') keyTypes = keyColumns.map(() => rawType as KeyType);
      else if (Array.isArray(rawType)) {
        if (rawType.length !== keyColumns.length) {
          const n = keyColumns.length;
          problems.at(typeAt, `expected ${n} type${n === 1 ? '' : 's'}, one per key column (${keyColumns.join(', ')}), got ${rawType.length}`);
        } else keyTypes = rawType as KeyType[];
      }
    }

    if (problems.hasWithin(at) || !keyColumns || !keyTypes || typeof e['name'] !== 'string') return;
    built.set(e['name'], {
      name: e['name'],
      keyColumns,
      keyTypes,
      ...(typeof e['description'] === 'string' ? { description: e['description'] } : {}),
    });
  });
  return { declared, built };
}

function checkGroups(rawGroups: unknown, entities: Entities, ctx: Context): Group[] {
  const { problems } = ctx;
  const groups: Group[] = [];
  const seen = new Map<string, string>();
  list(rawGroups).forEach((g, i) => {
    const at = childPointer('/groups', i);
    if (!isRecord(g)) return;
    const ptr = (key: string): string => childPointer(at, key);
    unique(seen, g['name'], ptr('name'), 'group', ctx);

    const entityName = g['entity'];
    if (typeof entityName === 'string' && !problems.has(ptr('entity')) && !entities.declared.has(entityName)) {
      const known = [...entities.declared];
      problems.at(
        ptr('entity'),
        known.length === 0
          ? `expected the name of an entity, got ${JSON.stringify(entityName)} (no entities are defined)`
          : `expected one of the entities ${known.join(', ')}, got ${JSON.stringify(entityName)}${suggestion(entityName, known)}`,
      );
    }
    const entity = typeof entityName === 'string' ? entities.built.get(entityName) : undefined;

    if (g['table'] !== undefined && g['query'] !== undefined) {
      problems.at(ptr('query'), 'expected either table or query, got both', { where: 'key', displayPointer: at });
    }
    const query = g['query'];
    if (typeof query === 'string' && !problems.has(ptr('query'))) {
      const second = secondStatementAt(query);
      if (second !== undefined) {
        const rest = query.slice(second).trim().split(/\s+/).slice(0, 3).join(' ');
        problems.at(ptr('query'), `expected one SQL statement, got a second one after ";": ${JSON.stringify(rest)}`);
      }
    }

    if (g['event_time'] === undefined) {
      if (g['event_time_unit'] !== undefined) {
        problems.at(ptr('event_time_unit'), 'needs event_time, the column whose epochs it describes', { where: 'key' });
      }
      if (g['created_time'] !== undefined) {
        problems.at(ptr('created_time'), 'needs event_time (created_time only breaks ties between equal event times)', { where: 'key' });
      }
      if (g['ttl'] !== undefined) {
        problems.at(ptr('ttl'), 'needs event_time (a static group\'s rows never age)', { where: 'key' });
      }
    }

    let ttlMs: number | undefined;
    const ttl = g['ttl'];
    if (typeof ttl === 'string' && !problems.has(ptr('ttl'))) {
      ttlMs = parseDuration(ttl);
      if (ttlMs === undefined || ttlMs <= 0 || !Number.isSafeInteger(ttlMs)) {
        problems.at(ptr('ttl'), `expected a positive duration like 30d, got ${describeValue(ttl)}`);
        ttlMs = undefined;
      }
    }

    const rawColumns = g['entity_columns'];
    let entityColumns: string[] | undefined = entity ? [...entity.keyColumns] : undefined;
    if (rawColumns !== undefined) {
      entityColumns = problems.hasWithin(ptr('entity_columns')) ? undefined : names(rawColumns);
      if (entityColumns && Array.isArray(rawColumns)) distinct(entityColumns, ptr('entity_columns'), ctx);
      if (entityColumns && entity && entityColumns.length !== entity.keyColumns.length) {
        const n = entity.keyColumns.length;
        problems.at(
          ptr('entity_columns'),
          `expected ${n} column${n === 1 ? '' : 's'}, one per key column of entity ${JSON.stringify(entity.name)} (${entity.keyColumns.join(', ')}), got ${entityColumns.length}`,
        );
      }
    }

    const groupName = typeof g['name'] === 'string' ? g['name'] : '';
    const features = checkFeatures(g['features'], groupName, g['event_time'] !== undefined, ptr('features'), ctx);

    if (problems.hasWithin(at) || !entity || !entityColumns || !features || groupName === '') return;
    const source: Source =
      typeof query === 'string'
        ? { kind: 'query', sql: withoutTrailingSemicolon(query) }
        : { kind: 'table', table: typeof g['table'] === 'string' ? g['table'] : groupName };
    const eventTime: EventTime | undefined =
      typeof g['event_time'] === 'string'
        ? { column: g['event_time'], ...(g['event_time_unit'] === 's' || g['event_time_unit'] === 'ms' ? { unit: g['event_time_unit'] } : {}) }
        : undefined;
    groups.push({
      name: groupName,
      entity,
      source,
      entityColumns,
      ...(eventTime ? { eventTime } : {}),
      ...(typeof g['created_time'] === 'string' ? { createdTime: g['created_time'] } : {}),
      ...(ttlMs !== undefined ? { ttlMs } : {}),
      ...(typeof g['description'] === 'string' ? { description: g['description'] } : {}),
      features,
    });
  });
  return groups;
}

function checkFeatures(rawFeatures: unknown, groupName: string, hasEventTime: boolean, at: string, ctx: Context): Feature[] | undefined {
  const seen = new Map<string, string>();
  const features: Feature[] = [];
  list(rawFeatures).forEach((f, i) => {
    const fAt = childPointer(at, i);
    if (!isRecord(f)) return;
    unique(seen, f['name'], childPointer(fAt, 'name'), 'feature', ctx, ` in group ${JSON.stringify(groupName)}`);
    const aggregate = checkAggregate(f, fAt, hasEventTime, ctx);
    if (ctx.problems.hasWithin(fAt) || typeof f['name'] !== 'string' || typeof f['type'] !== 'string') return;
    features.push({
      name: f['name'],
      fullName: `${groupName}.${f['name']}`,
      groupName,
      type: f['type'] as FeatureType,
      column: typeof f['column'] === 'string' ? f['column'] : f['name'],
      ...(aggregate ? { aggregate } : {}),
      ...(typeof f['description'] === 'string' ? { description: f['description'] } : {}),
    });
  });
  return ctx.problems.hasWithin(at) ? undefined : features;
}

/**
 * SPEC §7: `aggregate` and `window` come together, only in a group with an event time,
 * and the declared type must be one the function can produce.
 */
function checkAggregate(f: Raw, at: string, hasEventTime: boolean, ctx: Context): Aggregate | undefined {
  const { problems } = ctx;
  const ptr = (key: string): string => childPointer(at, key);
  const fn = f['aggregate'];
  const window = f['window'];
  if (fn === undefined) {
    if (window !== undefined) problems.at(ptr('window'), 'needs aggregate (count, sum, avg, min or max): a window is what an aggregate is computed over', { where: 'key' });
    return undefined;
  }
  if (problems.has(ptr('aggregate')) || typeof fn !== 'string') return undefined;
  const name = fn as AggregateFunction;
  if (window === undefined) problems.at(ptr('aggregate'), `needs window, the span of event times to aggregate over (window: 7d)`, { where: 'key' });
  if (!hasEventTime) problems.at(ptr('aggregate'), `needs the group's event_time (a window is a span of event times; a static group has none)`, { where: 'key' });
  const type = f['type'];
  const allowed = AGGREGATE_TYPES[name];
  if (typeof type === 'string' && !problems.has(ptr('type')) && !allowed.includes(type as FeatureType)) {
    const list = allowed.length === 1 ? allowed[0]! : `${allowed.slice(0, -1).join(', ')} or ${allowed[allowed.length - 1]!}`;
    problems.at(ptr('type'), `expected ${list} for aggregate ${name}, got ${describeValue(type)}`);
  }
  let windowMs: number | undefined;
  if (typeof window === 'string' && !problems.has(ptr('window'))) {
    windowMs = parseDuration(window);
    if (windowMs === undefined || windowMs <= 0 || !Number.isSafeInteger(windowMs)) {
      problems.at(ptr('window'), `expected a positive duration like 7d, got ${describeValue(window)}`);
      windowMs = undefined;
    }
  }
  if (windowMs === undefined) return undefined;
  return { fn: name, windowMs, countsRows: name === 'count' && f['column'] === undefined };
}
