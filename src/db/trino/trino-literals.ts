/**
 * Trino's HTTP protocol has no bound parameters of its own: a statement's values travel
 * as `EXECUTE IMMEDIATE '<statement>' USING <value>, …`, where each value is a literal.
 * The statement is parsed and analysed on its own; the USING list only supplies values
 * for its `?` placeholders, so a value can never change the statement's shape. This
 * renderer is what keeps that promise: it accepts only a few JS types and renders each
 * as one literal token whose text cannot end early.
 *
 * - strings: `'…'` with every `'` doubled, Trino's only escape inside a plain literal
 *   (there are no backslash escapes), so the literal ends exactly at its last quote;
 * - numbers: finite only, rendered by JS (digits, `.`, `-`, `e`, `+`) inside a typed
 *   literal (`BIGINT '12'`, `DOUBLE '1.5'`);
 * - bigint, boolean, null and Date (as a UTC `TIMESTAMP … UTC` literal);
 * - anything else is refused, never stringified.
 */
import { SpellbookError } from '../../errors.js';

export function quoteString(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}

export function renderLiteral(value: unknown): string {
  if (value === null || value === undefined) return 'NULL';
  switch (typeof value) {
    case 'string':
      return quoteString(value);
    case 'boolean':
      return value ? 'TRUE' : 'FALSE';
    case 'bigint':
      return `DECIMAL '${value.toString()}'`;
    case 'number':
      if (!Number.isFinite(value)) break;
      return Number.isSafeInteger(value) ? `BIGINT '${value}'` : `DOUBLE '${value}'`;
    case 'object':
      if (value instanceof Date && Number.isFinite(value.getTime())) {
        return `TIMESTAMP '${value.toISOString().replace('T', ' ').replace('Z', '')} UTC'`;
      }
      break;
  }
  throw new SpellbookError('INTERNAL', `a value of type ${typeof value} cannot be sent to Trino as a parameter`);
}

/** A statement with its parameters as Trino runs it: as is without parameters, else EXECUTE IMMEDIATE … USING. */
export function withParameters(sql: string, parameters: readonly unknown[]): string {
  if (parameters.length === 0) return sql;
  return `EXECUTE IMMEDIATE ${quoteString(sql)} USING ${parameters.map(renderLiteral).join(', ')}`;
}
