import type { QueryCompiler } from './dialect.js';
import { SpellbookError } from '../errors.js';

/** Wraps `name` in `quote`, doubling embedded quotes; NUL cannot be quoted safely anywhere. */
export function quoteWith(name: string, quote: '"' | '`'): string {
  if (name.includes('\0')) {
    throw new SpellbookError('METADATA_INVALID', `identifier ${JSON.stringify(name)} contains a NUL character`);
  }
  if (name.length === 0) throw new SpellbookError('METADATA_INVALID', 'an identifier cannot be empty');
  return quote + name.split(quote).join(quote + quote) + quote;
}

/** `schema.table` (or `table`) with each part quoted. */
export function tableSql(compiler: Pick<QueryCompiler, 'quoteIdentifier'>, table: string): string {
  return table
    .split('.')
    .map((part) => compiler.quoteIdentifier(part))
    .join('.');
}
