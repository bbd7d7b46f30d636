/**
 * `get meta`: the metadata as three flat listings (SPEC §3), filtered. Pure: no database.
 */
import { SpellbookError } from '../errors.js';
import { formatDuration } from '../time/duration.js';
import type { Metadata, Group } from '../metadata/types.js';
import { suggest } from '../util/suggest.js';

export type MetaKind = 'all' | 'entity' | 'group' | 'feature';
export const META_KINDS: readonly MetaKind[] = ['all', 'entity', 'group', 'feature'];

export interface EntityListing {
  name: string;
  key: string;
  description: string;
}
export interface GroupListing {
  name: string;
  entity: string;
  source: string;
  event_time: string;
  ttl: string;
  description: string;
}
export interface FeatureListing {
  name: string;
  group: string;
  entity: string;
  type: string;
  /** SPEC §7: count, sum, avg, min or max; empty for a latest-value feature. */
  aggregate: string;
  /** The aggregate's window (`7d`); empty for a latest-value feature. */
  window: string;
  description: string;
}
export interface MetaListing {
  entities?: EntityListing[];
  groups?: GroupListing[];
  features?: FeatureListing[];
}

export interface ListOptions {
  kind: MetaKind;
  names?: readonly string[];
  entity?: string;
  group?: string;
}

function sourceOf(g: Group): string {
  return g.source.kind === 'table' ? g.source.table : `query: ${g.source.sql.replace(/\s+/g, ' ').trim()}`;
}

function requireKnown(kind: string, name: string, known: readonly string[]): void {
  if (known.includes(name)) return;
  throw new SpellbookError('NOT_FOUND', `unknown ${kind} "${name}"${suggest(name, known)}`);
}

export function listMetadata(md: Metadata, options: ListOptions): MetaListing {
  const { kind, names = [], entity, group } = options;
  const entityNames = md.entities.map((e) => e.name);
  const groupNames = md.groups.map((g) => g.name);
  if (entity !== undefined) requireKnown('entity', entity, entityNames);
  if (group !== undefined) requireKnown('group', group, groupNames);
  if (kind === 'all' && names.length > 0) {
    throw new SpellbookError('USAGE', '`get meta all` takes no names; use entity, group or feature NAME…');
  }

  const groups = md.groups.filter((g) => (entity === undefined || g.entity.name === entity) && (group === undefined || g.name === group));
  const entities = md.entities.filter(
    (e) => (entity === undefined || e.name === entity) && (group === undefined || groups.some((g) => g.entity === e)),
  );
  const features = groups.flatMap((g) => g.features);

  const listing: MetaListing = {};
  if (kind === 'all' || kind === 'entity') {
    if (kind === 'entity') for (const n of names) requireKnown('entity', n, entityNames);
    listing.entities = entities
      .filter((e) => kind !== 'entity' || names.length === 0 || names.includes(e.name))
      .map((e) => ({ name: e.name, key: e.keyColumns.join(', '), description: e.description ?? '' }));
  }
  if (kind === 'all' || kind === 'group') {
    if (kind === 'group') for (const n of names) requireKnown('group', n, groupNames);
    listing.groups = groups
      .filter((g) => kind !== 'group' || names.length === 0 || names.includes(g.name))
      .map((g) => ({
        name: g.name,
        entity: g.entity.name,
        source: sourceOf(g),
        event_time: g.eventTime?.column ?? '',
        ttl: g.ttlMs === undefined ? '' : formatDuration(g.ttlMs),
        description: g.description ?? '',
      }));
  }
  if (kind === 'all' || kind === 'feature') {
    if (kind === 'feature') {
      const full = md.groups.flatMap((g) => g.features.map((f) => f.fullName));
      for (const n of names) if (!n.endsWith('.*')) requireKnown('feature', n, full);
    }
    listing.features = features
      .filter((f) => kind !== 'feature' || names.length === 0 || names.some((n) => n === f.fullName || n === `${f.groupName}.*`))
      .map((f) => {
        const g = md.groups.find((x) => x.name === f.groupName)!;
        return {
          name: f.fullName,
          group: f.groupName,
          entity: g.entity.name,
          type: f.type,
          aggregate: f.aggregate?.fn ?? '',
          window: f.aggregate ? formatDuration(f.aggregate.windowMs) : '',
          description: f.description ?? '',
        };
      });
  }
  return listing;
}
