/**
 * The engines spellbook can open, one plugin each. This list is the only place that
 * enumerates them: the JSON schema's `client` names are checked against it
 * (test/db/engine-list.test.ts), and adding an engine means a folder of its own plus one
 * line here.
 */
import type { EnginePlugin } from './engine-plugin.js';
import { mysqlPlugin } from './mysql/mysql-plugin.js';
import { postgresPlugin } from './postgres/postgres-plugin.js';
import { sqlitePlugin } from './sqlite/sqlite-plugin.js';
import { trinoPlugin } from './trino/trino-plugin.js';

const PLUGINS = [sqlitePlugin, postgresPlugin, mysqlPlugin, trinoPlugin] as const;

export type EngineName = (typeof PLUGINS)[number]['name'];

export type RegisteredEngine = EnginePlugin & { readonly name: EngineName };

export const ENGINES: readonly RegisteredEngine[] = PLUGINS;

/** Every name `client:` accepts, engine by engine in registry order. */
export const CLIENT_NAMES: readonly string[] = ENGINES.flatMap((plugin) => plugin.clients);

/** The engine a `client:` name means (any case), or undefined. */
export function pluginForClient(client: string): RegisteredEngine | undefined {
  const name = client.toLowerCase();
  return ENGINES.find((plugin) => plugin.clients.includes(name));
}

/** The engine a URL scheme means (any case), or undefined. */
export function pluginForScheme(scheme: string): RegisteredEngine | undefined {
  const name = scheme.toLowerCase();
  return ENGINES.find((plugin) => plugin.schemes.includes(name));
}

export function pluginNamed(name: EngineName): RegisteredEngine {
  return ENGINES.find((plugin) => plugin.name === name)!;
}
