/**
 * Ctrl-C must stop the work on the server too: a statement whose client has gone keeps
 * running there (PostgreSQL notices a vanished client only when it next sends rows). Every
 * open database is known here until it is closed, so an interrupt can ask each driver to
 * cancel what it is running before the process exits.
 */
import type { Driver } from './dialect.js';

const open = new Set<Pick<Driver, 'cancel'>>();

/**
 * Makes `driver` reachable by cancelRunningStatements until the returned function is
 * called (a driver in a worker thread is tracked through a stand-in that forwards cancel).
 */
export function trackDriver(driver: Pick<Driver, 'cancel'>): () => void {
  open.add(driver);
  return () => void open.delete(driver);
}

/**
 * Asks the server of every open database to stop the statements running now. Failures
 * are ignored: this runs on the way out, and an unreachable server has nothing to stop.
 */
export async function cancelRunningStatements(): Promise<void> {
  await Promise.all([...open].map((driver) => driver.cancel().catch(() => undefined)));
}
