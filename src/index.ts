/** spellbook as a library: `import { openSpellbook } from 'spellbook-feature-store'` (the npm package's name; the command is `spellbook`). */
export {
  openSpellbook,
  Spellbook,
  type OpenOptions,
  type Row,
  type RowStream,
  type ExportOptions,
  type JoinOptions,
  type TimeInput,
  type TtlInput,
} from './spellbook.js';
export type { WriteOptions } from './io/output.js';
export type { OutputFormat } from './io/encoders.js';
export {
  SpellbookError,
  MetadataError,
  UsageError,
  BadInputError,
  ReadOnlyError,
  DatabaseError,
  ValidationError,
  InternalError,
  OptionError,
  type ErrorCode,
  type ErrorLocation,
  type SourceProblem,
} from './errors.js';
export { RunStats, type GroupStats } from './pit/stats.js';
export { initMetadata, type InitRequest, type InitResult } from './init/index.js';
export type { Metadata, Entity, Group, Feature, FeatureType, KeyType, Source, ConnectionSource } from './metadata/types.js';
export type { ConnectionSpec } from './db/connection.js';
export { loadCheckedMetadata as loadMetadata } from './spellbook.js';
export type { ExportRequest, JoinRequest, ExportPlan, JoinPlan, Strategy, StrategyChoice } from './plan/plan.js';
export type { Value } from './core/values.js';
export type { OutputColumn } from './io/parquet.js';
export type { MetaListing, ListOptions, MetaKind } from './catalog/list.js';
export type { ImportRequest, ImportResult } from './import/index.js';
export type { ValidateOptions, ValidationReport, GroupReport, Finding, FindingKind } from './validate/index.js';
