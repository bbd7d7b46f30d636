/** PostgreSQL through node-postgres (`pg`). */
import type { EnginePlugin } from '../engine-plugin.js';
import { postgresAdapter } from './postgres-adapter.js';
import { postgresCompiler } from './postgres-dialect.js';

export const postgresPlugin = {
  name: 'postgres' as const,
  clients: ['pg', 'postgres', 'postgresql'],
  schemes: ['postgres', 'postgresql'],
  urlForms: ['postgres://…'],
  compiler: postgresCompiler,
  adapter: postgresAdapter,
  load: () => import('./postgres-engine.js').then((m) => m.openPostgres),
} satisfies EnginePlugin;
