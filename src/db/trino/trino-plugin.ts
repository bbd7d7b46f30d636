/** A Trino cluster through trino-client: HTTP, no Knex and no pool. */
import type { EnginePlugin } from '../engine-plugin.js';
import { trinoDialect } from './trino-dialect.js';

export const trinoPlugin = {
  name: 'trino' as const,
  clients: ['trino'],
  schemes: ['trino'],
  dialect: trinoDialect,
  load: () => import('./trino-engine.js').then((m) => m.openTrino),
} satisfies EnginePlugin;
