/**
 * One output row of `export` or `join`: the prefix the caller encoded once (a join's label
 * columns, nothing for export), then the feature values in the order of the plan.
 */
import type { Value } from './values.js';

export interface OutputRow<P> {
  readonly prefix: P;
  readonly values: readonly Value[];
}
