import { Args, Flags } from '@oclif/core';
import { usage } from '../../errors.js';
import { SpellbookCommand } from '../../cli/base-command.js';
import { listMetadata, META_KINDS, type MetaKind, type MetaListing } from '../../catalog/list.js';
import { loadMetadata, resolveMetadataPath } from '../../metadata/index.js';
import { LISTING_FORMATS, renderListing, type ListingFormat, type Section } from '../../io/listing.js';

const COLUMNS = {
  entities: ['name', 'key', 'description'],
  groups: ['name', 'entity', 'source', 'event_time', 'ttl', 'description'],
  features: ['name', 'group', 'entity', 'type', 'aggregate', 'window', 'description'],
} as const;

export default class GetMeta extends SpellbookCommand {
  static override summary = 'List entities, groups and features from the metadata file.';
  static override description = 'Needs no database: reads only the metadata file. NAME… narrows the listing to the named items; for features, a name is group.feature or group.*.';
  static override enableJsonFlag = true;
  static override strict = false;
  static override examples = [
    { description: 'Everything the metadata declares', command: '<%= config.bin %> get meta all -m metadata.example.yml' },
    { description: 'The features of one group, as JSON', command: '<%= config.bin %> get meta feature --group account --output-format json' },
    { description: 'Two groups by name', command: '<%= config.bin %> get meta group account txn_stats' },
  ];
  static override args = {
    kind: Args.string({ description: 'What to list.', options: [...META_KINDS] }),
    names: Args.string({ description: 'Names to show (entity, group or group.feature); all when none.' }),
  };
  static override flags = {
    entity: Flags.string({ summary: 'Only what belongs to this entity.' }),
    group: Flags.string({ summary: 'Only this group and its features.' }),
    'output-format': Flags.string({ summary: 'Output format.', options: [...LISTING_FORMATS], default: 'table' }),
  };

  async run(): Promise<MetaListing> {
    const { args, argv, flags } = await this.parse(GetMeta);
    // oclif's own "Missing 1 required arg" message is garbled; this one lists the kinds.
    if (args.kind === undefined) throw usage(`get meta needs what to list: ${META_KINDS.join(', ')} (e.g. spellbook get meta all)`);
    // Needs no database, so an unset ${VAR} in connection: must not stop it.
    const md = await loadMetadata(resolveMetadataPath(flags.metadata, process.env), { ignoreConnection: true });
    const listing = listMetadata(md, {
      kind: args.kind as MetaKind,
      names: (argv as string[]).slice(1),
      entity: flags.entity,
      group: flags.group,
    });
    if (!this.jsonEnabled()) {
      const sections: Section[] = (Object.keys(COLUMNS) as (keyof typeof COLUMNS)[])
        .filter((k) => listing[k] !== undefined)
        .map((k) => ({ title: k, columns: COLUMNS[k], rows: listing[k] as unknown as Record<string, string>[] }));
      process.stdout.write(renderListing(sections, flags['output-format'] as ListingFormat));
    }
    return listing;
  }
}
