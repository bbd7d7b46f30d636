/**
 * Two nudges to V8's collector for the merge join, whose peak memory is the moment
 * every thread scans (docs/benchmarks.md). Both act on the whole process: V8's flags
 * are global, and the collection is the calling thread's.
 */
import { getHeapSpaceStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

let gc: (() => void) | undefined;

/**
 * A full collection of this thread's heap, now. Large arrays that lived through young
 * collections are freed only by a full one, and a steady scan allocates nothing that
 * lives long enough to bring one: what was let go of before the scan would stay
 * resident until its end. (The flag exposes `gc` to contexts made after it is set.)
 */
export function collectGarbage(): void {
  if (gc === undefined) {
    setFlagsFromString('--expose-gc');
    gc = runInNewContext('gc') as () => void;
  }
  gc();
}

/** Semi-spaces of 8 MB: V8 grows them to 16 (32 MB of young generation) by default. */
const HELD_SEMI_SPACE = 8 * 1024 * 1024;

/**
 * Keeps every thread's young generation at the size it has now, once this thread's
 * semi-spaces have reached 8 MB: V8 would double them to 16 MB during a long scan, for
 * 16 MB more resident memory and no measurable time (a scan's rows die within their
 * batch). Below 8 MB it cost time, hence the threshold, which only reading many labels
 * reaches: by then a merge worker, scanning since the join began, has long reached its
 * own smaller limit (parallel-merge.ts). Returns the undo, for when the scans are done.
 */
export function holdYoungGeneration(): () => void {
  const young = getHeapSpaceStatistics().find((s) => s.space_name === 'new_space');
  if (young === undefined || young.space_size < 2 * HELD_SEMI_SPACE) return () => {};
  // Growth multiplies the size by this factor: 1 leaves it where it is.
  setFlagsFromString('--semi-space-growth-factor=1');
  return () => setFlagsFromString('--semi-space-growth-factor=2');
}
