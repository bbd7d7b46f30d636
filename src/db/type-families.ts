/**
 * Which catalog types fit which declared types, for engines with real column types: the
 * rule is the same everywhere, only the names of each family differ per engine.
 */
import type { ColumnInfo, DeclaredType } from './dialect.js';

export interface TypeFamilies {
  readonly integers: ReadonlySet<string>;
  readonly decimals: ReadonlySet<string>;
  readonly floats: ReadonlySet<string>;
  readonly texts: ReadonlySet<string>;
  readonly booleans: ReadonlySet<string>;
  /** Date-time types (not `date`, which is its own family everywhere). */
  readonly timestamps: ReadonlySet<string>;
}

/** `t` is the catalog type name without length or modifiers. */
export function fitsFamily(families: TypeFamilies, t: string, column: ColumnInfo, declared: DeclaredType): boolean {
  const { integers, decimals, floats, texts, booleans, timestamps } = families;
  switch (declared) {
    case 'int':
      // numeric of a query has no known scale; a table's numeric(p, 0) holds integers.
      return integers.has(t) || (decimals.has(t) && (column.scale === undefined || column.scale === 0));
    case 'float':
    case 'epoch':
      return integers.has(t) || decimals.has(t) || floats.has(t);
    case 'bool':
      return booleans.has(t);
    case 'string':
      return texts.has(t) || integers.has(t);
    case 'timestamp':
    case 'date':
      return timestamps.has(t) || t === 'date';
  }
}
