/**
 * What the introspectors of the Knex-based engines share: each catalog lookup runs on a
 * connection of the engine's pool, its failure becomes spellbook's error. An engine says
 * only how it reads its catalog, on its raw connection `C`.
 */
import type { Knex } from 'knex';
import type { ToDatabaseError } from '../database-error.js';
import { withConnection } from './pool.js';

export abstract class KnexIntrospector<C> {
  constructor(
    private readonly knex: Knex,
    private readonly toError: ToDatabaseError,
  ) {}

  /** Runs one lookup on a pool connection, given back however the lookup ends. */
  protected lookup<T>(fn: (connection: C) => Promise<T>): Promise<T> {
    return withConnection<C, T>(this.knex, this.toError, fn);
  }
}
