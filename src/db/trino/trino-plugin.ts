/** A Trino cluster through trino-client: HTTP, no Knex and no pool. */
import type { EnginePlugin } from '../engine-plugin.js';
import { trinoAdapter } from './trino-adapter.js';
import { trinoCompiler } from './trino-dialect.js';

export const trinoPlugin = {
  name: 'trino' as const,
  clients: ['trino'],
  schemes: ['trino'],
  urlForms: ['trino://…'],
  // A `connection:` mapping of trino-client's own settings, as a trino:// URL.
  describe(config) {
    const c = config.connection;
    if (typeof c !== 'object' || c === null || Array.isArray(c)) return undefined;
    const conn = c as Record<string, unknown>;
    const path = [conn['catalog'], conn['schema']].filter((p) => typeof p === 'string').join('/');
    return `trino://${String(conn['user'] ?? '?')}@${String(conn['server'] ?? '?').replace(/^https?:\/\//, '')}/${path}`;
  },
  compiler: trinoCompiler,
  adapter: trinoAdapter,
  load: () => import('./trino-engine.js').then((m) => m.openTrino),
} satisfies EnginePlugin;
