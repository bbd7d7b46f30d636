/**
 * What an engine brings to spellbook: its names, its query compiler and adapter, and how to open it. One
 * entry per engine, in its own folder (`sqlite/sqlite-plugin.ts`, …), listed once in
 * registry.ts; the rest of spellbook asks the registry and never names an engine.
 */
import type { ConnectionConfig, ConnectionSpec } from './connection.js';
import type { EngineAdapter, QueryCompiler } from './dialect.js';
import type { OpenEngine } from './open.js';

export interface EnginePlugin {
  /** The engine's own name, as messages and tests say it (`postgres`). */
  readonly name: string;
  /** The names `client:` accepts for it in a metadata file, the driver's own first (`pg`, then aliases). */
  readonly clients: readonly string[];
  /** The URL schemes of `--db`, SPELLBOOK_DB and a `connection:` string that mean this engine. */
  readonly schemes: readonly string[];
  /** How its URLs look, for the message about a URL no engine takes (`postgres://…`). */
  readonly urlForms: readonly string[];
  /**
   * A URL with one of `schemes` as this engine's config, or a problem sentence (`expected
   * …`). Absent: the driver takes the URL as written (`{ client, connection: url }`).
   * `dir` anchors relative file paths.
   */
  fromUrl?(url: string, dir: string): ConnectionConfig | string;
  /** A bare file path (no scheme) as this engine's config: present on one engine at most. */
  fromPath?(path: string, dir: string): ConnectionConfig;
  /**
   * A `connection:` mapping, its `client` already the driver's own name, as this engine's
   * config (relative file paths anchored at `dir`). Absent: used as written.
   */
  fromFields?(config: ConnectionConfig, dir: string): ConnectionConfig;
  /** Where a config of this engine goes, in one line and without secrets, when the generic URL form does not fit. */
  describe?(config: ConnectionConfig): string | undefined;
  /** The config as a `connection:` URL for a metadata file in `dir`, where the engine has a form of its own. */
  urlFor?(config: ConnectionConfig, dir: string): string | undefined;
  /** The SQL it speaks (`<engine>-dialect.ts`): light, and needed without a connection (`--dry-run`). */
  readonly compiler: QueryCompiler;
  /** What it can do, its type catalog and its errors (`<engine>-adapter.ts`). */
  readonly adapter: EngineAdapter;
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
