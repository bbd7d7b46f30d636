/**
 * Problems found in a metadata file, each tied to a place in the YAML source. The loader
 * collects them all before failing, so a user fixes every mistake in one round.
 */
import { formatProblem, SpellbookError, type SourceProblem } from '../errors.js';

export interface Position {
  readonly line: number;
  readonly col: number;
}

/** Where a value of the parsed document came from: what the loader needs to point at it. */
export interface Located {
  /** `groups[0].features[1].column`; empty for the document itself. */
  readonly display: string;
  /** Start of the value (for a missing value: the key). */
  readonly value: Position;
  /** Start of the key, when the value sits in a mapping. */
  readonly key?: Position;
  /** Source text of a non-string scalar (`007`, `~`), so messages quote what the user wrote. */
  readonly source?: string;
}

/** JSON pointers (RFC 6901, as ajv's instancePath) → where that value was written. */
export type SourceMap = ReadonlyMap<string, Located>;

export function childPointer(parent: string, segment: string | number): string {
  return `${parent}/${String(segment).replace(/~/g, '~0').replace(/\//g, '~1')}`;
}

export function childDisplay(parent: string, segment: string | number): string {
  if (typeof segment === 'number') return `${parent}[${segment}]`;
  const part = /^[A-Za-z_][A-Za-z0-9_]*$/.test(segment) ? segment : `[${JSON.stringify(segment)}]`;
  return parent === '' || part.startsWith('[') ? `${parent}${part}` : `${parent}.${part}`;
}

interface Entry {
  readonly pos: Position;
  readonly message: string;
  readonly seq: number;
}

const START: Position = { line: 1, col: 1 };

export class Problems {
  private readonly entries: Entry[] = [];
  private readonly pointers = new Set<string>();

  constructor(private readonly sourceMap: SourceMap) {}

  get count(): number {
    return this.entries.length;
  }

  /**
   * A problem with the value at `pointer`. `where: 'key'` points at the key instead (an
   * unknown key); `displayPointer` names another path in the message (the mapping that
   * holds an unknown or missing key).
   */
  at(pointer: string, message: string, options: { where?: 'value' | 'key'; displayPointer?: string } = {}): void {
    const loc = this.locate(pointer);
    const shown = this.locate(options.displayPointer ?? pointer).display;
    const pos = (options.where === 'key' ? loc.key : undefined) ?? loc.value;
    this.pointers.add(pointer);
    this.add(pos, shown === '' ? message : `${shown}: ${message}`);
  }

  add(pos: Position, message: string): void {
    this.entries.push({ pos, message, seq: this.entries.length });
  }

  /** True when a problem was reported for `pointer` itself. */
  has(pointer: string): boolean {
    return this.pointers.has(pointer);
  }

  /** True when a problem was reported for `pointer` or anything inside it. */
  hasWithin(pointer: string): boolean {
    for (const p of this.pointers) if (p === pointer || p.startsWith(`${pointer}/`)) return true;
    return false;
  }

  /** The value's place, or its nearest recorded ancestor's (the map holds every converted node). */
  locate(pointer: string): Located {
    let p = pointer;
    for (;;) {
      const loc = this.sourceMap.get(p);
      if (loc) return loc;
      if (p === '') return { display: '', value: START };
      p = p.slice(0, p.lastIndexOf('/'));
    }
  }

  /** Each problem with its place, in source order; the same line of text is reported once. */
  problems(file: string): SourceProblem[] {
    const sorted = [...this.entries].sort((a, b) => a.pos.line - b.pos.line || a.pos.col - b.pos.col || a.seq - b.seq);
    const byText = new Map<string, SourceProblem>();
    for (const e of sorted) {
      const problem = { file, line: e.pos.line, col: e.pos.col, message: e.message };
      if (!byText.has(formatProblem(problem))) byText.set(formatProblem(problem), problem);
    }
    return [...byText.values()];
  }

  toError(file: string): SpellbookError {
    const problems = this.problems(file);
    const first = problems[0];
    return new SpellbookError('METADATA_INVALID', problems.map(formatProblem).join('\n'), { problems, file, line: first?.line });
  }
}

/** How a value is quoted after "got": strings as JSON, other scalars as written, collections by kind. */
export function describeValue(value: unknown, loc?: Located): string {
  if (typeof value === 'string') {
    const shown = value.length > 60 ? `${value.slice(0, 57)}…` : value;
    return JSON.stringify(shown);
  }
  if (Array.isArray(value)) return value.length === 0 ? 'an empty list' : 'a list';
  if (value !== null && typeof value === 'object') return 'a mapping';
  if (loc?.source !== undefined) return loc.source === '' ? 'nothing' : loc.source;
  return String(value);
}

/** Optimal string alignment distance: typos are mostly one insertion, deletion or swap. */
export function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      const row = d[i]!;
      const prev = d[i - 1]!;
      let best = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, d[i - 2]![j - 2]! + 1);
      row[j] = best;
    }
  }
  return d[a.length]![b.length]!;
}

/** ` (did you mean "column"?)` when one candidate is within 2 edits, else empty. */
export function suggestion(word: string, candidates: Iterable<string>): string {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const c of candidates) {
    const distance = editDistance(word.toLowerCase(), c.toLowerCase());
    if (distance < bestDistance) {
      best = c;
      bestDistance = distance;
    }
  }
  // A 2-letter word is within 2 edits of every short key; only suggest what resembles it.
  if (best === undefined || bestDistance > 2 || bestDistance >= word.length) return '';
  return ` (did you mean "${best}"?)`;
}
