/**
 * The commands that work on the database of their metadata (export, join, import,
 * validate): each opens its spellbook the same way and must close it however it ends.
 * Kept apart from SpellbookCommand so `get` and `init` do not load the library at start-up.
 */
import { SpellbookCommand } from './base-command.js';
import { openSpellbook, type Spellbook } from '../spellbook.js';

/** The global flags that say which spellbook to open. */
interface OpenFlags {
  readonly metadata?: string;
  readonly db?: string;
  readonly 'connect-timeout'?: string;
  readonly 'statement-timeout'?: string;
}

export abstract class DatabaseCommand extends SpellbookCommand {
  /**
   * Runs `work` on the spellbook the flags describe (--metadata, --db, the timeouts),
   * the connection's secrets kept out of every message from the moment they are known,
   * and closes it however `work` ends.
   */
  protected async withSpellbook<T>(flags: OpenFlags, work: (book: Spellbook) => Promise<T>): Promise<T> {
    const book = await openSpellbook({ metadata: flags.metadata, db: flags.db, ...this.timeouts(flags) });
    this.secrets.push(...book.secrets());
    try {
      return await work(book);
    } finally {
      await book.close();
    }
  }
}
