/**
 * A `client: trino` connection: a URL `trino://USER[:PASSWORD]@HOST[:PORT]/CATALOG/SCHEMA`
 * (`?ssl=true` or `https` for TLS, port 8080 by default, 443 with TLS), or a mapping with
 * `server`, `user`, `password`, `catalog`, `schema` and `ssl` (Node TLS options).
 */
import type { TrinoConnectionConfig } from './trino-driver.js';

const FORM = 'trino://USER@HOST:PORT/CATALOG/SCHEMA or a mapping with server and user';

/** The connection, or a problem sentence naming what is wrong (never the password). */
export function trinoConnection(raw: unknown): TrinoConnectionConfig | string {
  if (typeof raw === 'string') return fromUrl(raw);
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return `expected ${FORM}`;
  const c = raw as Record<string, unknown>;
  if (typeof c['server'] !== 'string' || !/^https?:\/\//.test(c['server'])) return 'trino connection.server: expected http://HOST:PORT or https://HOST:PORT';
  if (typeof c['user'] !== 'string' || c['user'] === '') return 'trino connection.user: expected the user name Trino runs the queries as';
  const text = (key: string) => (typeof c[key] === 'string' && c[key] !== '' ? { [key]: c[key] as string } : {});
  const ssl = c['ssl'];
  return {
    server: c['server'].replace(/\/+$/, ''),
    user: c['user'],
    ...text('password'),
    ...text('catalog'),
    ...text('schema'),
    ...(ssl !== null && typeof ssl === 'object' ? { ssl: ssl as Record<string, unknown> } : {}),
  };
}

function fromUrl(text: string): TrinoConnectionConfig | string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return `expected ${FORM}`;
  }
  if (!['trino:', 'trino+https:', 'https:', 'http:'].includes(url.protocol)) return `expected ${FORM}`;
  const user = decodeURIComponent(url.username);
  if (user === '') return `expected a user before the host: ${FORM}`;
  const tls = url.protocol.includes('https') || url.searchParams.get('ssl') === 'true';
  const port = url.port === '' ? (tls ? 443 : 8080) : Number(url.port);
  const [catalog, schema] = url.pathname.split('/').filter((p) => p !== '').map(decodeURIComponent);
  return {
    server: `${tls ? 'https' : 'http'}://${url.hostname}:${port}`,
    user,
    ...(url.password === '' ? {} : { password: decodeURIComponent(url.password) }),
    ...(catalog === undefined ? {} : { catalog }),
    ...(schema === undefined ? {} : { schema }),
  };
}
