/**
 * Resolves `--feature` arguments (comma lists, repeats, `group.*`) to features, and
 * names the output columns (SPEC §4: feature names, or `group.feature` with --full-names;
 * collisions are an error unless --full-names).
 */
import { OptionError, SpellbookError } from '../errors.js';
import type { Feature, Group, Metadata } from '../metadata/types.js';
import { suggest } from '../util/suggest.js';

export interface SelectedFeature {
  readonly feature: Feature;
  readonly group: Group;
  /** The output column name. */
  readonly column: string;
}

export function splitFeatureArgs(args: readonly string[]): string[] {
  return args.flatMap((a) => a.split(',')).map((s) => s.trim()).filter((s) => s !== '');
}

export function resolveFeatures(
  md: Metadata,
  args: readonly string[],
  options: { fullNames: boolean; reservedColumns?: readonly string[] },
): SelectedFeature[] {
  const names = splitFeatureArgs(args);
  if (names.length === 0) throw new OptionError('features', 'USAGE', 'no features requested: pass {option}', ' group.feature[,…]');
  const byFull = new Map(md.groups.flatMap((g) => g.features.map((f) => [f.fullName, { feature: f, group: g }] as const)));
  const selected: { feature: Feature; group: Group }[] = [];
  for (const name of names) {
    if (name.endsWith('.*')) {
      const group = md.groups.find((g) => g.name === name.slice(0, -2));
      if (!group) {
        const hint = suggest(name.slice(0, -2), md.groups.map((g) => g.name));
        throw new OptionError('features', 'NOT_FOUND', `unknown group "${name.slice(0, -2)}" in {option} ${name}${hint}`);
      }
      selected.push(...group.features.map((feature) => ({ feature, group })));
      continue;
    }
    const found = byFull.get(name);
    if (!found) {
      const bare = [...byFull.values()].filter((x) => x.feature.name === name);
      const hint =
        !name.includes('.') && bare.length > 0
          ? ` (features are named group.feature: did you mean "${bare[0]!.feature.fullName}"?)`
          : suggest(name, [...byFull.keys()]) || shellExpansionHint(name, md);
      throw new SpellbookError('NOT_FOUND', `unknown feature "${name}"${hint}`);
    }
    selected.push(found);
  }

  const seen = new Set<string>();
  for (const s of selected) {
    if (seen.has(s.feature.fullName)) throw new SpellbookError('USAGE', `feature "${s.feature.fullName}" is requested twice`);
    seen.add(s.feature.fullName);
  }

  const result = selected.map((s) => ({ ...s, column: options.fullNames ? s.feature.fullName : s.feature.name }));
  const reserved = new Set(options.reservedColumns ?? []);
  for (const r of result) {
    if (reserved.has(r.column)) {
      const clash = `feature "${r.feature.fullName}" would be named "${r.column}", which is already a column of the input`;
      if (options.fullNames) throw new SpellbookError('USAGE', `${clash}; rename that input column`);
      throw new OptionError('fullNames', 'USAGE', `${clash}; use {option}`);
    }
  }
  if (!options.fullNames) {
    const owners = new Map<string, string>();
    for (const r of result) {
      const other = owners.get(r.column);
      if (other) throw new OptionError('fullNames', 'USAGE', `features "${other}" and "${r.feature.fullName}" would both be named "${r.column}"; use {option}`);
      owners.set(r.column, r.feature.fullName);
    }
  }
  return result;
}

/** The selected features grouped by their group, in order of first request. */
export function byGroup(selected: readonly SelectedFeature[]): { group: Group; features: SelectedFeature[] }[] {
  const out = new Map<string, { group: Group; features: SelectedFeature[] }>();
  for (const s of selected) {
    const entry = out.get(s.group.name) ?? { group: s.group, features: [] };
    entry.features.push(s);
    out.set(s.group.name, entry);
  }
  return [...out.values()];
}

/**
 * How a read computes its features: the latest visible row's values (SPEC §2), or
 * aggregates over windows ending at the label's or snapshot's time (SPEC §7).
 */
export type Operation = 'latest' | 'window';

/** One read of a group: the features it computes, all of one operation, and where each goes in the output. */
export interface Read {
  readonly group: Group;
  readonly operation: Operation;
  readonly features: SelectedFeature[];
  /** For each feature, its position among the requested features (the output order). */
  readonly outputs: number[];
}

/**
 * The selected features as reads: per group in order of first request, its latest-value
 * features, then its aggregates. A group with both kinds is read twice, because the
 * two operations want different rows (the latest one, against every row of a window).
 */
export function byRead(selected: readonly SelectedFeature[]): Read[] {
  const out = new Map<string, Read>();
  selected.forEach((s, position) => {
    for (const operation of ['latest', 'window'] as const) out.set(`${s.group.name}\0${operation}`, out.get(`${s.group.name}\0${operation}`) ?? { group: s.group, operation, features: [], outputs: [] });
    const read = out.get(`${s.group.name}\0${s.feature.aggregate ? 'window' : 'latest'}`)!;
    read.features.push(s);
    read.outputs.push(position);
  });
  return [...out.values()].filter((r) => r.features.length > 0);
}

/**
 * `-f account.*` unquoted: a shell with files named `account.csv`, `account.db` beside it
 * passes those names instead. A name that starts with a group but is no feature of it,
 * and is not close to one, most likely came from there.
 */
function shellExpansionHint(name: string, md: Metadata): string {
  const group = md.groups.find((g) => name.startsWith(`${g.name}.`));
  if (!group) return '';
  return ` (a file name? an unquoted ${group.name}.* is expanded by the shell to the files it matches: quote it, '${group.name}.*')`;
}
