/**
 * Which database to open (SPEC §1): `--db`, then SPELLBOOK_DB, then `connection:` in the
 * metadata. Every form ends as the engine's own config (its `client` the driver's name)
 * plus the secrets that must never be printed. What a URL scheme or a `client:` name
 * means is each engine's plugin's to say (registry.ts); this file only dispatches.
 */
import { SpellbookError, formatProblem } from '../errors.js';
import type { Env } from '../metadata/env.js';
import type { ConnectionSource, Metadata } from '../metadata/types.js';
import { redact } from '../util/redact.js';
import { ENGINES, pluginForClient, pluginForScheme } from './registry.js';

export { redact };

/**
 * An engine's connection settings: `client` is the driver's own name (`pg`), the rest is
 * the engine's own (a Knex config for the Knex-based engines; see
 * src/db/trino/trino-connection.ts for Trino).
 */
export interface ConnectionConfig {
  readonly client?: unknown;
  readonly connection?: unknown;
  readonly [key: string]: unknown;
}

/** Where the database is, resolved for one engine. */
export interface ConnectionSpec {
  readonly config: ConnectionConfig;
  /** `connection.read_only: true`: `import` must refuse to write here. */
  readonly readOnly: boolean;
  /** Secret strings (passwords, URL credentials) to redact from every message. */
  readonly secrets: readonly string[];
}

/** `sqlite:PATH, a file path, postgres://…, mysql://… or trino://…`, from the registry. */
const URL_FORMS = ENGINES.flatMap((plugin) => plugin.urlForms).join(', ').replace(/, ([^,]*)$/, ' or $1');

export interface ResolveConnectionOptions {
  /** The `--db` flag. */
  readonly db?: string;
  /** Defaults to process.env; SPELLBOOK_DB is read from it. */
  readonly env?: Env;
}

/** The connection to use, by priority: `--db`, SPELLBOOK_DB, the metadata's `connection:`. */
export function resolveConnection(md: Metadata | undefined, options: ResolveConnectionOptions = {}): ConnectionSpec {
  const env = options.env ?? process.env;
  if (options.db !== undefined) return fromFlag(options.db, '--db');
  const fromEnv = env['SPELLBOOK_DB'];
  if (fromEnv !== undefined && fromEnv.trim() !== '') return fromFlag(fromEnv, 'SPELLBOOK_DB');
  if (md?.connection) return connectionFromSource(md.connection);
  throw new SpellbookError('USAGE', 'no database: set --db, SPELLBOOK_DB or connection: in the metadata file');
}

/** A URL from the command line or the environment: relative SQLite paths mean the working directory. */
function fromFlag(url: string, source: string): ConnectionSpec {
  const result = connectionFromUrl(url, process.cwd());
  if (typeof result === 'string') throw new SpellbookError('USAGE', `${source}: ${result}`);
  return result;
}

/**
 * A database URL as a connection. `baseDir` anchors relative file paths. Returns a
 * problem sentence (`expected …, got …`, with any password masked) for an unusable URL.
 */
export function connectionFromUrl(url: string, baseDir: string): ConnectionSpec | string {
  const text = url.trim();
  if (text === '') return `expected ${URL_FORMS}, got nothing`;
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(text)?.[1]?.toLowerCase();
  // One letter before the colon is a Windows drive (C:\data\shop.db), not a scheme.
  const pathPlugin = ENGINES.find((plugin) => plugin.fromPath !== undefined);
  if ((scheme === undefined || scheme.length === 1) && pathPlugin?.fromPath) return spec(pathPlugin.fromPath(text, baseDir), false, []);
  const plugin = scheme === undefined ? undefined : pluginForScheme(scheme);
  if (!plugin) return `expected ${URL_FORMS}, got ${JSON.stringify(maskUrlPassword(text))}`;
  // A server URL goes to the driver as written; a file-based engine reads its own.
  const config = plugin.fromUrl ? plugin.fromUrl(text, baseDir) : { client: plugin.clients[0], connection: text };
  return typeof config === 'string' ? `${config}, got ${JSON.stringify(maskUrlPassword(text))}` : spec(config, false, urlSecrets(text));
}

/**
 * `connection:` from a metadata file (interpolated and schema-checked when loaded): a URL
 * string, or a mapping whose `client` names the engine. A problem is reported at the
 * place of `connection:` in the file, as the loader reports its own.
 */
export function connectionFromSource(source: ConnectionSource): ConnectionSpec {
  const result = connectionFromMetadata(source.written, source.dir, source.readOnly);
  if (typeof result !== 'string') return result;
  const problem = { ...source.at, message: `connection: ${result}` };
  throw new SpellbookError('METADATA_INVALID', formatProblem(problem), { problems: [problem], file: source.at.file, line: source.at.line });
}

/**
 * A `connection:` value: a URL string, or a mapping (without `read_only`) whose `client`
 * alias becomes the driver's own name, its engine's plugin settling the rest (SQLite
 * paths resolve against `dir`, the metadata folder).
 */
export function connectionFromMetadata(written: unknown, dir: string, readOnly = false): ConnectionSpec | string {
  if (typeof written === 'string') {
    const result = connectionFromUrl(written, dir);
    return typeof result === 'string' ? result : { ...result, readOnly };
  }
  const fields = written as Record<string, unknown>;
  const plugin = pluginForClient(String(fields['client']));
  // An unknown client is the schema's to report; it reaches open(), which names it.
  const named: ConnectionConfig = { ...fields, client: plugin?.clients[0] ?? fields['client'] };
  const config = plugin?.fromFields ? plugin.fromFields(named, dir) : named;
  return spec(config, readOnly, configSecrets(config));
}

function spec(config: ConnectionConfig, readOnly: boolean, secrets: readonly string[]): ConnectionSpec {
  return { config, readOnly, secrets };
}

const SECRET_KEY = /pass(word)?|pwd|secret|token|credential|api_?key|private_?key/i;

/** Values of secret-looking keys, and passwords inside URL strings, anywhere in a config. */
function configSecrets(config: unknown): string[] {
  const found = new Set<string>();
  const walk = (value: unknown, key: string, seen: Set<unknown>): void => {
    if (typeof value === 'string') {
      if (SECRET_KEY.test(key) && value !== '') found.add(value);
      for (const s of urlSecrets(value)) found.add(s);
    } else if (typeof value === 'number' && SECRET_KEY.test(key)) {
      found.add(String(value));
    } else if (value !== null && typeof value === 'object' && !seen.has(value)) {
      seen.add(value);
      for (const [k, v] of Object.entries(value)) walk(v, Array.isArray(value) ? key : k, seen);
    }
  };
  walk(config, '', new Set());
  return [...found];
}

/** The `user:password@` part of a URL, split at the authority's last `@` (passwords may hold one). */
function splitUserinfo(url: string): { before: string; user: string; password?: string; after: string } | undefined {
  const m = /^([A-Za-z][A-Za-z0-9+.-]*:\/\/)([^/?#]*@)?/.exec(url);
  if (!m) return undefined;
  const authorityEnd = url.slice(m[1]!.length).search(/[/?#]/);
  const authority = authorityEnd < 0 ? url.slice(m[1]!.length) : url.slice(m[1]!.length, m[1]!.length + authorityEnd);
  const at = authority.lastIndexOf('@');
  if (at < 0) return undefined;
  const userinfo = authority.slice(0, at);
  const colon = userinfo.indexOf(':');
  return {
    before: m[1]!,
    user: colon < 0 ? userinfo : userinfo.slice(0, colon),
    password: colon < 0 ? undefined : userinfo.slice(colon + 1),
    after: url.slice(m[1]!.length + at),
  };
}

function decoded(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** Passwords in a URL: userinfo, and query parameters with secret-looking names. */
function urlSecrets(url: string): string[] {
  const found = new Set<string>();
  const parts = splitUserinfo(url);
  if (parts?.password) {
    found.add(parts.password);
    found.add(decoded(parts.password));
  }
  const query = url.indexOf('?');
  if (query >= 0 && /^[A-Za-z][A-Za-z0-9+.-]*:/.test(url)) {
    for (const [k, v] of new URLSearchParams(url.slice(query + 1))) if (SECRET_KEY.test(k) && v !== '') found.add(v);
  }
  return [...found].filter((s) => s !== '');
}

export function maskUrlPassword(url: string): string {
  const parts = splitUserinfo(url);
  if (!parts || parts.password === undefined) return url;
  return `${parts.before}${parts.user}:***${parts.after}`;
}

/**
 * A one-line description of where a connection goes, for messages and `--dry-run`:
 * `postgres://postgres:***@127.0.0.1:5432/test`, `sqlite:/abs/shop.db`. Never a secret.
 */
export function describeConnection(spec: ConnectionSpec): string {
  const plugin = pluginForClient(String(spec.config.client));
  const conn = spec.config.connection as unknown;
  const own = plugin?.describe?.(spec.config);
  let text: string;
  if (own !== undefined) {
    text = own;
  } else if (typeof conn === 'string') {
    text = maskUrlPassword(conn);
  } else if (isRecord(conn) && typeof conn['connectionString'] === 'string') {
    text = maskUrlPassword(conn['connectionString']);
  } else {
    const c = isRecord(conn) ? conn : {};
    const user = c['user'] ?? c['username'];
    const userinfo = user === undefined ? '' : `${String(user)}${c['password'] === undefined ? '' : ':***'}@`;
    const host = c['host'] ?? c['server'] ?? 'localhost';
    const port = c['port'] === undefined ? '' : `:${String(c['port'])}`;
    const database = c['database'] === undefined ? '' : String(c['database']);
    text = `${plugin?.schemes[0] ?? String(spec.config.client)}://${userinfo}${String(host)}${port}/${database}`;
  }
  return redact(text, spec.secrets);
}

/**
 * The connection as a `connection:` line for a metadata file in `dir` (`spellbook init`):
 * the engine's own form where it has one (a SQLite path relative to the file), else the
 * URL as given.
 */
export function connectionUrlFor(spec: ConnectionSpec, dir: string): string | undefined {
  return pluginForClient(String(spec.config.client))?.urlFor?.(spec.config, dir);
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}
