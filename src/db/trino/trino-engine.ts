/**
 * The trino engine's run-time parts, loaded only when a Trino cluster is opened. Nothing
 * connects until the first query: the HTTP protocol has no session to set up.
 *
 * Read-only (SPEC §5): spellbook sends only SELECT statements, and a `query:` source or
 * `--input-query` is embedded as a subquery, where Trino's grammar admits no INSERT,
 * DELETE, UPDATE, MERGE or DDL: a writing query fails to parse and nothing runs. The
 * cluster's own access control (a user granted SELECT only) is the second wall; spellbook
 * needs nothing more than SELECT. And every read runs in a READ ONLY transaction, which
 * Trino enforces for every connector. `import` is refused (trino-driver.ts transaction()).
 */
import { SpellbookError } from '../../errors.js';
import type { OpenEngine } from '../open.js';
import { trinoConnection } from './trino-connection.js';
import { TrinoDriver } from './trino-driver.js';
import { TrinoIntrospector } from './trino-introspector.js';

export const openTrino: OpenEngine = async (spec, session) => {
  const config = trinoConnection(spec.config['connection']);
  if (typeof config === 'string') throw new SpellbookError('METADATA_INVALID', `connection: ${config}`);
  // Trino enforces the limit itself and fails the query with EXCEEDED_TIME_LIMIT.
  const properties: Record<string, string> =
    session.statementTimeoutMs > 0 ? { query_max_run_time: `${Math.max(1, Math.round(session.statementTimeoutMs))}ms` } : {};
  const driver = new TrinoDriver(config, spec.secrets, properties, session.readOnly, session.connectTimeoutMs);
  return { driver, introspector: new TrinoIntrospector(driver) };
};
