/**
 * What a run did, counted by the row stream itself as it produces rows (so every caller —
 * the CLI's end-of-run summary, a library user — sees the same numbers): rows produced,
 * and per group how many labels matched a row (join) or how many keys it gave values to
 * (export); for an export restricted with `keys`, the keys that matched nothing.
 */
import type { KeyTuple } from '../core/keys.js';

export interface GroupStats {
  readonly group: string;
  /** join: labels with a visible row in this group; export: keys with one. */
  matched: number;
}

export class RunStats {
  /** Rows produced so far (the output rows, once the stream has ended). */
  rows = 0;
  readonly groups: GroupStats[];
  /** export with `keys`: the requested keys no requested group had a visible row for. Known once the stream has ended. */
  unmatchedKeys: KeyTuple[] = [];

  constructor(groups: readonly string[]) {
    this.groups = groups.map((group) => ({ group, matched: 0 }));
  }
}
