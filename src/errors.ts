/**
 * Errors are values: a code a program can branch on, a message written for a person,
 * and the exit code the CLI maps them to (SPEC §3: 2 for bad usage or bad input files,
 * 1 for database or runtime failures).
 */
export type ErrorCode =
  | 'METADATA_INVALID' // the metadata file fails the schema or a semantic check
  | 'METADATA_NOT_FOUND'
  | 'USAGE' // a flag or argument is wrong
  | 'BAD_INPUT' // a labels or import file has a bad row
  | 'NOT_FOUND' // a named entity, group or feature does not exist
  | 'READ_ONLY' // a write was asked of a read-only connection
  | 'DATABASE' // the database failed or refused
  | 'VALIDATION_FAILED' // `validate` found problems
  | 'INTERNAL';

const EXIT_CODES: Record<ErrorCode, 1 | 2> = {
  METADATA_INVALID: 2,
  METADATA_NOT_FOUND: 2,
  USAGE: 2,
  BAD_INPUT: 2,
  NOT_FOUND: 2,
  READ_ONLY: 2,
  DATABASE: 1,
  VALIDATION_FAILED: 1,
  INTERNAL: 1,
};

export class SpellbookError extends Error {
  readonly code: ErrorCode;
  /** Extra lines (for example every problem of a metadata file), printed after the message. */
  readonly details: readonly string[];

  constructor(code: ErrorCode, message: string, options?: { details?: readonly string[]; cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'SpellbookError';
    this.code = code;
    this.details = options?.details ?? [];
  }

  get exitCode(): 1 | 2 {
    return EXIT_CODES[this.code];
  }
}

/** A problem in a file at a place, formatted `FILE:LINE[:COL]: message` as csv-parse and compilers do. */
export interface SourceProblem {
  file: string;
  line: number;
  column?: number;
  message: string;
}

export function formatProblem(p: SourceProblem): string {
  return `${p.file}:${p.line}${p.column === undefined ? '' : `:${p.column}`}: ${p.message}`;
}

export function badInput(p: SourceProblem): SpellbookError {
  return new SpellbookError('BAD_INPUT', formatProblem(p));
}

export function usage(message: string): SpellbookError {
  return new SpellbookError('USAGE', message);
}
