/**
 * Nudges to V8's collector for the joins that hold their labels in memory, whose peak
 * is the moment every thread scans (docs/benchmarks.md). They act on the whole process:
 * V8's flags are global, and the collection is the calling thread's. A flag the process
 * was started with (node's arguments or NODE_OPTIONS) is its owner's choice: the nudge
 * that would set it is left out, so that the choice holds during a join and after it.
 */
import { getHeapSpaceStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

let gc: (() => void) | undefined;

/**
 * A full collection of this thread's heap, now. Large arrays that lived through young
 * collections are freed only by a full one, and a steady scan allocates nothing that
 * lives long enough to bring one: what was let go of before the scan would stay
 * resident until its end. (The flag exposes `gc` to contexts made while it is set; the
 * function stays usable once it is cleared again.)
 *
 * Every flag is set back as it was: V8's flags are part of a code cache's version tag, and
 * the CLI writes its bundles' caches at exit (src/cli/code-cache.ts). With `--expose-gc`
 * left on, every cache a join wrote was refused by the next process, which compiled the
 * bundles from source and wrote them again.
 */
export function collectGarbage(): void {
  // Started with --expose-gc: the process's own function, and its flag left on.
  if (gc === undefined && typeof globalThis.gc === 'function' && startedWith('expose-gc')) gc = globalThis.gc;
  // Flags are the process's: another thread (a merge worker) may clear this one between
  // the set and the context, which then has no gc; it is set again.
  while (gc === undefined) {
    setFlagsFromString('--expose-gc');
    try {
      gc = runInNewContext('typeof gc === "function" ? gc : undefined') as (() => void) | undefined;
    } finally {
      setFlagsFromString('--no-expose-gc');
    }
  }
  gc();
}

/** Semi-spaces of 8 MB: V8 grows them to 16 (32 MB of young generation) by default. */
const HELD_SEMI_SPACE = 8 * 1024 * 1024;

/** Caps not yet released, and whether one of them has set the growth flag (each then keeps putting it back). */
let caps = 0;
let growthHeld = false;

/** How often the cap looks at the young generation (and puts its hold back, see below). */
const CAP_POLL_MS = 5;

/**
 * Lets this thread's young generation grow to 8 MB semi-spaces and holds every thread's
 * there from then on: V8 would double them to 16 MB while a join reads a million labels,
 * and never give the 16 MB back (a full collection does not shrink them), so they would
 * be resident through the scans, the join's peak of memory. Smaller than 8 MB cost time,
 * hence letting it grow that far. Growth is a flag V8 reads at each young collection,
 * and sets back to its default whenever a thread's heap is set up (a merge worker
 * starting, at any moment while the labels are read): so it is looked at, and the hold
 * put back, every few milliseconds until the undo this returns.
 */
export function capYoungGeneration(): () => void {
  if (startedWith('semi-space-growth-factor')) return () => {};
  caps++;
  const hold = (): void => {
    if (growthHeld || youngGenerationSize() >= 2 * HELD_SEMI_SPACE) {
      // Growth multiplies the size by this factor: 1 leaves it where it is.
      setFlagsFromString('--semi-space-growth-factor=1');
      growthHeld = true;
    }
  };
  hold();
  const poll = setInterval(hold, CAP_POLL_MS).unref();
  return once(() => {
    clearInterval(poll);
    // Joins at once in this thread share the flag: the last one out sets it back.
    if (--caps === 0 && growthHeld) {
      setFlagsFromString('--semi-space-growth-factor=2');
      growthHeld = false;
    }
  });
}

/** Holds of the old generation not yet released. */
let oldHolds = 0;

/**
 * Lets the old generation grow by half over what survived the last full collection,
 * instead of up to 4x, until the undo this returns. A join holding its labels promotes
 * batches that die soon after: with the default, that garbage stayed resident (a scale-1
 * join with parquet output peaked at ~350 MB, ~285 MB so). A join that only streams
 * (labels from a query, joined by the database) holds nothing there: it would pay the
 * extra full collections for no memory (a million-row Trino join ran 20 instead of 2-6,
 * its collector's time 1.0 s against 0.44 s). V8 reads the flag at every full collection,
 * so it acts from the next one on.
 */
export function holdOldGeneration(): () => void {
  if (startedWith('heap-growing-percent')) return () => {};
  if (oldHolds++ === 0) setFlagsFromString('--heap-growing-percent=50');
  return once(() => {
    // 0 is V8's default: the factor V8 works out from its collector's speed. Joins at
    // once in this thread share the flag: the last one out sets it back.
    if (--oldHolds === 0) setFlagsFromString('--heap-growing-percent=0');
  });
}

/** An undo that acts on its first call only (a join's error path may call it again). */
function once(undo: () => void): () => void {
  let done = false;
  return () => {
    if (done) return;
    done = true;
    undo();
  };
}

function youngGenerationSize(): number {
  return getHeapSpaceStatistics().find((s) => s.space_name === 'new_space')?.space_size ?? 0;
}

/** Whether this process was started with the V8 flag `name` (given with dashes), set either way. */
function startedWith(name: string): boolean {
  return v8FlagNames([...process.execArgv, ...(process.env['NODE_OPTIONS'] ?? '').split(/\s+/)]).has(name);
}

/**
 * The V8 flags named in node's options, as V8 reads them: `_` and `-` alike, `--no-x`
 * naming x, a value after `=` not part of the name.
 */
export function v8FlagNames(options: readonly string[]): Set<string> {
  const names = new Set<string>();
  for (const option of options) {
    if (!option.startsWith('--')) continue;
    const name = option.slice(2).split('=')[0]!.replaceAll('_', '-');
    names.add(name.startsWith('no-') ? name.slice(3) : name);
  }
  return names;
}
