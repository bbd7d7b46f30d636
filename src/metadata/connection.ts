/**
 * Which database to open (SPEC §1): `--db`, then SPELLBOOK_DB, then `connection:` in the
 * metadata. Every form ends as a Knex config plus the secrets that must never be printed.
 */
import { isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SpellbookError } from '../errors.js';
import type { Env } from './env.js';
import type { ConnectionConfig, ConnectionSpec, Metadata } from './types.js';
import { redact } from '../util/redact.js';

export { redact };

/** The Knex clients spellbook ships drivers for; other spellings are aliases of these. */
export type ClientName = 'better-sqlite3' | 'pg' | 'mysql2' | 'trino';

const CLIENT_ALIASES: Readonly<Record<string, ClientName>> = {
  'better-sqlite3': 'better-sqlite3',
  sqlite3: 'better-sqlite3',
  pg: 'pg',
  postgres: 'pg',
  postgresql: 'pg',
  mysql2: 'mysql2',
  mysql: 'mysql2',
  trino: 'trino',
};

const URL_FORMS = 'sqlite:PATH, a file path, postgres://…, mysql://… or trino://…';

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
  if (md?.connection) return md.connection;
  throw new SpellbookError('USAGE', 'no database: set --db, SPELLBOOK_DB or connection: in the metadata file');
}

/** A URL from the command line or the environment: relative SQLite paths mean the working directory. */
function fromFlag(url: string, source: string): ConnectionSpec {
  const result = connectionFromUrl(url, process.cwd());
  if (typeof result === 'string') throw new SpellbookError('USAGE', `${source}: ${result}`);
  return result;
}

/**
 * A database URL as a connection. `baseDir` anchors relative SQLite paths. Returns a
 * problem sentence (`expected …, got …`, with any password masked) for an unusable URL.
 */
export function connectionFromUrl(url: string, baseDir: string): ConnectionSpec | string {
  const text = url.trim();
  const got = `got ${JSON.stringify(maskUrlPassword(text))}`;
  if (text === '') return `expected ${URL_FORMS}, got nothing`;
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(text)?.[1]?.toLowerCase();
  // One letter before the colon is a Windows drive (C:\data\shop.db), not a scheme.
  if (scheme === undefined || scheme.length === 1) return sqliteSpec(text, baseDir, false);
  switch (scheme) {
    case 'sqlite':
    case 'sqlite3': {
      let rest = text.slice(scheme.length + 1);
      if (rest.startsWith('//')) rest = rest.slice(2);
      if (rest === '') return `expected a file path after sqlite:, ${got}`;
      return sqliteSpec(rest, baseDir, false);
    }
    case 'file':
      try {
        return sqliteSpec(fileURLToPath(text), baseDir, false);
      } catch {
        return `expected a file: URL with an absolute path, ${got}`;
      }
    case 'postgres':
    case 'postgresql':
      return { config: { client: 'pg', connection: text }, readOnly: false, secrets: urlSecrets(text) };
    case 'mysql':
    case 'mariadb':
      return { config: { client: 'mysql2', connection: text }, readOnly: false, secrets: urlSecrets(text) };
    case 'trino':
      return { config: { client: 'trino', connection: text }, readOnly: false, secrets: urlSecrets(text) };
    default:
      return `expected ${URL_FORMS}, ${got}`;
  }
}

function sqliteSpec(filename: string, baseDir: string, readOnly: boolean): ConnectionSpec {
  return {
    config: { client: 'better-sqlite3', connection: { filename: resolveSqlitePath(filename, baseDir) }, useNullAsDefault: true },
    readOnly,
    secrets: [],
  };
}

function resolveSqlitePath(filename: string, baseDir: string): string {
  if (filename === ':memory:' || filename === '' || filename.startsWith('file:') || isAbsolute(filename)) return filename;
  return resolve(baseDir, filename);
}

/**
 * `connection:` from a metadata file (already interpolated and schema-checked): a URL
 * string, or a Knex config. `read_only` leaves the Knex config and becomes `readOnly`;
 * client aliases become the driver names spellbook ships; SQLite paths resolve against
 * the metadata folder.
 */
export function connectionFromMetadata(raw: unknown, metadataDir: string): ConnectionSpec | string {
  if (typeof raw === 'string') return connectionFromUrl(raw, metadataDir);
  const { read_only: readOnlyRaw, ...rest } = raw as Record<string, unknown>;
  const readOnly = readOnlyRaw === true;
  const client = CLIENT_ALIASES[String(rest['client'])] ?? String(rest['client']);
  const config: Record<string, unknown> = { ...rest, client };
  if (client === 'better-sqlite3') {
    const conn = rest['connection'];
    if (typeof conn === 'string') config['connection'] = { filename: resolveSqlitePath(conn, metadataDir) };
    else if (isRecord(conn) && typeof conn['filename'] === 'string') {
      config['connection'] = { ...conn, filename: resolveSqlitePath(conn['filename'], metadataDir) };
    }
    config['useNullAsDefault'] ??= true;
  }
  return { config: config as ConnectionConfig, readOnly, secrets: configSecrets(config) };
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
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

function maskUrlPassword(url: string): string {
  const parts = splitUserinfo(url);
  if (!parts || parts.password === undefined) return url;
  return `${parts.before}${parts.user}:***${parts.after}`;
}

const URL_SCHEMES: Record<string, string> = { pg: 'postgres', mysql2: 'mysql', trino: 'trino' };

/**
 * A one-line description of where a connection goes, for messages and `--dry-run`:
 * `postgres://postgres:***@127.0.0.1:5432/test`, `sqlite:/abs/shop.db`. Never a secret.
 */
export function describeConnection(spec: ConnectionSpec): string {
  const client = String(spec.config.client);
  const conn = spec.config.connection as unknown;
  let text: string;
  if (client === 'better-sqlite3') {
    const filename = isRecord(conn) ? conn['filename'] : conn;
    text = `sqlite:${typeof filename === 'string' ? filename : '?'}`;
  } else if (typeof conn === 'string') {
    text = maskUrlPassword(conn);
  } else if (client === 'trino' && isRecord(conn)) {
    const path = [conn['catalog'], conn['schema']].filter((p) => typeof p === 'string').join('/');
    text = `trino://${String(conn['user'] ?? '?')}@${String(conn['server'] ?? '?').replace(/^https?:\/\//, '')}/${path}`;
  } else if (isRecord(conn) && typeof conn['connectionString'] === 'string') {
    text = maskUrlPassword(conn['connectionString']);
  } else {
    const c = isRecord(conn) ? conn : {};
    const user = c['user'] ?? c['username'];
    const userinfo = user === undefined ? '' : `${String(user)}${c['password'] === undefined ? '' : ':***'}@`;
    const host = c['host'] ?? c['server'] ?? 'localhost';
    const port = c['port'] === undefined ? '' : `:${String(c['port'])}`;
    const database = c['database'] === undefined ? '' : String(c['database']);
    text = `${URL_SCHEMES[client] ?? client}://${userinfo}${String(host)}${port}/${database}`;
  }
  return redact(text, spec.secrets);
}
