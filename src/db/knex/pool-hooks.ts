/** Knex/tarn's afterCreate hook, callback style. */
export type AfterCreate = (connection: unknown, done: (err: Error | null, connection: unknown) => void) => void;

/**
 * Runs the user's own afterCreate, if any, then spellbook's session setup, so the UTC and
 * read-only settings are the last word on every new connection.
 */
export function chainAfterCreate(
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
