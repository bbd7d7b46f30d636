import type { Knex } from 'knex';

/** Knex/tarn's afterCreate hook, callback style. */
type AfterCreate = (connection: unknown, done: (err: Error | null, connection: unknown) => void) => void;

/**
 * Runs the user's own afterCreate, if any, then spellbook's session setup, so the UTC and
 * read-only settings are the last word on every new connection.
 */
function chainAfterCreate(
  ours: (connection: unknown) => Promise<void>,
  user: AfterCreate | undefined,
): AfterCreate {
  return (connection, done) => {
    const finish = (err: Error | null, c: unknown): void => {
      if (err) return done(err, c);
      ours(c).then(
        () => done(null, c),
        (e: Error) => done(e, c),
      );
    };
    if (user) user(connection, finish);
    else finish(null, connection);
  };
}

/**
 * The user's pool settings with spellbook's session `setup` run on every new connection
 * (after the user's own afterCreate), and no idle minimum, so `close()` leaves nothing behind.
 */
export function sessionPool(pool: Knex.Config['pool'], setup: (connection: unknown) => Promise<void>): Knex.PoolConfig {
  const user = (pool ?? {}) as Knex.PoolConfig & { afterCreate?: AfterCreate };
  return { ...user, min: 0, afterCreate: chainAfterCreate(setup, user.afterCreate) };
}
