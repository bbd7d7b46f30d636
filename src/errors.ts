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
  | 'TYPE_MISMATCH' // the database returned a value its declared type cannot hold
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
  TYPE_MISMATCH: 1,
  VALIDATION_FAILED: 1,
  INTERNAL: 1,
};

/**
 * Where a problem is, as data (csv-parse's CsvError keeps `lines` and `column` the same
 * way): a program reads these instead of parsing the message, and `--json` prints them.
 * Each is set only when known.
 */
export interface ErrorLocation {
  /** The file at fault: a labels or import file, or the metadata file. */
  readonly file?: string;
  /** 1-based line in `file`. */
  readonly line?: number;
  /** The data column: a labels/import file's header name, or a table's column. */
  readonly column?: string;
  /** The offending value, as text. */
  readonly value?: string;
  readonly group?: string;
  readonly feature?: string;
  readonly table?: string;
}

const LOCATION_KEYS = ['file', 'line', 'column', 'value', 'group', 'feature', 'table'] as const;

export interface SpellbookErrorOptions extends ErrorLocation {
  readonly details?: readonly string[];
  readonly cause?: unknown;
  /** Every problem of a file at once (the metadata file's), each with its place. */
  readonly problems?: readonly SourceProblem[];
}

export class SpellbookError extends Error implements ErrorLocation {
  readonly code: ErrorCode;
  /** Extra lines (for example every problem of a metadata file), printed after the message. */
  readonly details: readonly string[];
  /** Each problem of a file with several (the metadata file), with its place; empty otherwise. */
  readonly problems: readonly SourceProblem[];
  declare readonly file?: string;
  declare readonly line?: number;
  declare readonly column?: string;
  declare readonly value?: string;
  declare readonly group?: string;
  declare readonly feature?: string;
  declare readonly table?: string;

  constructor(code: ErrorCode, message: string, options?: SpellbookErrorOptions) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.details = options?.details ?? [];
    this.problems = options?.problems ?? [];
    for (const key of LOCATION_KEYS) if (options?.[key] !== undefined) Object.assign(this, { [key]: options[key] });
    // `new SpellbookError(code, …)` is written all over the code base; returning the code's
    // family class here makes every one of them catchable as e.g. BadInputError, without
    // each throw site having to know the class. Subclasses land here with new.target set.
    if (new.target === SpellbookError) {
      const family = FAMILIES[code];
      if (family) return new family(code, message, options);
    }
  }

  get exitCode(): 1 | 2 {
    return EXIT_CODES[this.code];
  }

  /** The place of the problem: whichever of file, line, column, value, group, feature, table are known. */
  get location(): ErrorLocation {
    const out: Record<string, unknown> = {};
    for (const key of LOCATION_KEYS) if (this[key] !== undefined) out[key] = this[key];
    return out as ErrorLocation;
  }

  /**
   * The error as plain data, what `--json` prints: code, exit code, message, the location
   * fields that are known, and the problems of a file with several.
   */
  toJSON(): Record<string, unknown> {
    return {
      code: this.code,
      exitCode: this.exitCode,
      message: this.message,
      ...this.location,
      ...(this.problems.length > 0 ? { problems: this.problems } : {}),
    };
  }
}

/** The metadata file is missing, or fails the schema or a semantic check (`METADATA_INVALID`, `METADATA_NOT_FOUND`); exit 2. */
export class MetadataError extends SpellbookError {}
/** A wrong argument, flag or request, or a name that does not exist (`USAGE`, `NOT_FOUND`); exit 2. */
export class UsageError extends SpellbookError {}
/** A labels or import file has a bad row or header (`BAD_INPUT`); exit 2. The message names `FILE:LINE`. */
export class BadInputError extends SpellbookError {}
/** A write was asked of a connection marked read_only (`READ_ONLY`); exit 2. */
export class ReadOnlyError extends SpellbookError {}
/**
 * The database failed or refused (`DATABASE`; the driver's error is the `cause`), or returned
 * a value its declared type cannot hold (`TYPE_MISMATCH`); exit 1.
 */
export class DatabaseError extends SpellbookError {}
/** `validate` found problems (`VALIDATION_FAILED`); exit 1. */
export class ValidationError extends SpellbookError {}
/** Anything else: an output file that cannot be written, a bug (`INTERNAL`); exit 1. */
export class InternalError extends SpellbookError {}

type Family = new (code: ErrorCode, message: string, options?: SpellbookErrorOptions) => SpellbookError;

const FAMILIES: Record<ErrorCode, Family> = {
  METADATA_INVALID: MetadataError,
  METADATA_NOT_FOUND: MetadataError,
  USAGE: UsageError,
  NOT_FOUND: UsageError,
  BAD_INPUT: BadInputError,
  READ_ONLY: ReadOnlyError,
  DATABASE: DatabaseError,
  TYPE_MISMATCH: DatabaseError,
  VALIDATION_FAILED: ValidationError,
  INTERNAL: InternalError,
};

/**
 * A problem in a file at a place, formatted `FILE:LINE[:COL]: message` as csv-parse and
 * compilers do. `col` is the character position (metadata files); `column` and `value`
 * name the data column and the value at fault (labels and import files) and are kept on
 * the error as data, not repeated in the text.
 */
export interface SourceProblem {
  readonly file: string;
  readonly line: number;
  readonly col?: number;
  readonly column?: string;
  readonly value?: string;
  readonly message: string;
}

export function formatProblem(p: SourceProblem): string {
  return `${p.file}:${p.line}${p.col === undefined ? '' : `:${p.col}`}: ${p.message}`;
}

export function badInput(p: SourceProblem): SpellbookError {
  return new SpellbookError('BAD_INPUT', formatProblem(p), { file: p.file, line: p.line, column: p.column, value: p.value });
}

export function usage(message: string): SpellbookError {
  return new SpellbookError('USAGE', message);
}

/**
 * A wrong or missing request option, in the library's words: the message names the option
 * as a library caller writes it (`ttl`, `limit`, `keys`, `entityColumns`, `snapshot`,
 * `features`, `fullNames`). `option` says which, so the CLI can print its flag in that
 * place instead (`withFlag`, used by cli/flags.ts); `cliHint` is advice that only fits the
 * flag's syntax, added after the CLI's message.
 */
export class OptionError extends UsageError {
  readonly option: string;
  private readonly template: string;
  private readonly cliHint: string;

  /** `template` holds `{option}` wherever the option's name goes. */
  constructor(option: string, code: 'USAGE' | 'NOT_FOUND', template: string, cliHint = '') {
    super(code, template.replaceAll('{option}', option));
    this.name = 'UsageError';
    this.option = option;
    this.template = template;
    this.cliHint = cliHint;
  }

  /** The message with `flag` where the option's name was, and the CLI hint. */
  withFlag(flag: string): string {
    return this.template.replaceAll('{option}', flag) + this.cliHint;
  }
}
