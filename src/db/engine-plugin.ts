/**
 * What an engine brings to spellbook: its names, its SQL dialect, and how to open it. One
 * entry per engine, in its own folder (`sqlite/sqlite-plugin.ts`, …), listed once in
 * registry.ts; the rest of spellbook asks the registry and never names an engine.
 */
import type { ConnectionSpec } from '../metadata/types.js';
import type { SqlDialect } from './dialect.js';
import type { OpenEngine } from './open.js';

export interface EnginePlugin {
  /** The engine's own name, as messages and tests say it (`postgres`). */
  readonly name: string;
  /** The names `client:` accepts for it in a metadata file, the driver's own first (`pg`, then aliases). */
  readonly clients: readonly string[];
  /** The URL schemes of `--db`, SPELLBOOK_DB and a `connection:` string that mean this engine. */
  readonly schemes: readonly string[];
  /** SQL generation: light, and needed without a connection (`--dry-run`). */
  readonly dialect: SqlDialect;
  /**
   * The run-time half, imported on demand: every command would otherwise pay for loading
   * all the drivers at start-up, whichever database it uses, if any.
   */
  load(): Promise<OpenEngine>;
  /**
   * Whether a second connection sees the same data, so that a worker thread may open its
   * own (absent: it does). Not for a database private to its connection.
   */
  seenByOtherConnections?(spec: ConnectionSpec): boolean;
}
