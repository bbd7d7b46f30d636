/**
 * A batch of CSV lines encoded straight into one Buffer: the bytes of exactly the text
 * encoders.ts's csv `lines` makes, without its strings. A million output rows were a
 * million prefixes, several million value strings and the concatenation of them all, then
 * their UTF-8 encoding by the stream: a fifth of a join's main thread.
 *
 * Numbers are written by digits where that is provably the text `String(n)` gives (see
 * writeNumber); anything else is written from the same csvValue as the text encoder.
 */
import type { CsvValues, RowBatch } from '../core/rows.js';
import type { Value } from '../core/values.js';
import type { FeatureType } from '../metadata/types.js';
import { csvField, csvValue } from './encoders.js';

const COMMA = 0x2c;
const NEWLINE = 0x0a;
const QUOTE = 0x22;
const RETURN = 0x0d;
const POWERS = [1, 10, 100, 1000, 10_000];

export class CsvBytes {
  private buf: Buffer = Buffer.alloc(0);
  private at = 0;
  /** Digits of a number, written backwards before they are copied out. */
  private readonly digits = new Uint8Array(24);

  /** The bytes of the batch's lines, each `prefix,value,…\n` (`first` is what comes before the first value: ',' or ''). */
  lines(batch: RowBatch<string>, first: string): Buffer {
    const width = batch.width;
    // A guess the writes grow past when they must (ensure).
    this.buf = Buffer.allocUnsafe(Math.max(1024, batch.length * (48 + 16 * width)));
    this.at = 0;
    const separated = first !== '';
    const fields = batch.fields?.bind(batch);
    const runs = batch.csv?.runs;
    const label = batch.csv?.first ?? 0;
    for (let r = 0; r < batch.length; r++) {
      if (fields === undefined) this.text(batch.prefix(r));
      else this.fields(fields(r));
      for (let f = 0; f < width; f++) {
        if (f > 0 || separated) {
          this.ensure(1);
          this.buf[this.at++] = COMMA;
        }
        const run = runs?.[f];
        const i = label + r - (run?.first ?? 0);
        if (run === undefined || i < 0) {
          this.value(batch.value(r, f));
        } else {
          this.copy(run.bytes, run.ends[i]!, run.ends[i + 1]!);
          f += run.width - 1;
        }
      }
      this.ensure(1);
      this.buf[this.at++] = NEWLINE;
    }
    const out = this.buf.subarray(0, this.at);
    this.buf = Buffer.alloc(0);
    return out;
  }

  /**
   * `width` features' values for labels `first` to `end` - 1 (value(i, f)), each label's as
   * lines() writes them after its prefix: what a merge worker, idle while the main thread
   * scans or writes, writes ahead for the main thread to copy (RowBatch.csv).
   */
  values(first: number, end: number, width: number, value: (label: number, feature: number) => Value): CsvValues {
    const n = end - first;
    this.buf = Buffer.allocUnsafe(Math.max(1024, n * 12 * width));
    this.at = 0;
    const ends = new Uint32Array(n + 1);
    for (let i = 0; i < n; i++) {
      for (let f = 0; f < width; f++) {
        if (f > 0) {
          this.ensure(1);
          this.buf[this.at++] = COMMA;
        }
        this.value(value(first + i, f));
      }
      ends[i + 1] = this.at;
    }
    // Its own exact-sized buffer, to move to another thread without the spare room.
    const bytes = new Uint8Array(this.buf.subarray(0, this.at));
    this.buf = Buffer.alloc(0);
    return { width, first, bytes, ends };
  }

  private value(v: Value): void {
    if (v === null) return;
    if (typeof v !== 'number' || !this.number(v)) this.text(csvValue(v));
  }

  /** Bytes another CsvBytes wrote (CsvValues): a few a value, so a loop, not a subarray and set. */
  private copy(bytes: Uint8Array, start: number, end: number): void {
    this.ensure(end - start);
    const buf = this.buf;
    let at = this.at;
    for (let i = start; i < end; i++) buf[at++] = bytes[i]!;
    this.at = at;
  }

  private ensure(n: number): void {
    if (this.at + n <= this.buf.length) return;
    const bigger = Buffer.allocUnsafe(Math.max(2 * this.buf.length, this.at + n));
    this.buf.copy(bigger, 0, 0, this.at);
    this.buf = bigger;
  }

  /** A string's UTF-8 bytes: ASCII copied by character code, anything else by Buffer.write. */
  private text(s: string): void {
    const n = s.length;
    this.ensure(3 * n);
    const buf = this.buf;
    let at = this.at;
    for (let i = 0; i < n; i++) {
      const c = s.charCodeAt(i);
      if (c >= 0x80) {
        this.at += buf.write(s, this.at, 'utf8');
        return;
      }
      buf[at++] = c;
    }
    this.at = at;
  }

  /**
   * Label fields as the CSV encoder's prefix writes them (encoders.ts csvPrefix): each
   * field as csvField has it, comma-separated. A field is copied by character code, and
   * the copy is its own quote test: only a field holding a quote, a comma, a line break
   * or a non-ASCII character is written again from csvField (a million labels' fields
   * were a prefix string each, four regular-expression tests and the flattening of the
   * joined text before it was copied here).
   */
  private fields(fields: readonly string[]): void {
    for (let i = 0; i < fields.length; i++) {
      if (i > 0) {
        this.ensure(1);
        this.buf[this.at++] = COMMA;
      }
      const s = fields[i]!;
      const n = s.length;
      this.ensure(n);
      const buf = this.buf;
      let at = this.at;
      let plain = true;
      for (let j = 0; j < n; j++) {
        const c = s.charCodeAt(j);
        if (c >= 0x80 || c === QUOTE || c === COMMA || c === NEWLINE || c === RETURN) {
          plain = false;
          break;
        }
        buf[at++] = c;
      }
      if (plain) this.at = at;
      else this.text(csvField(s));
    }
  }

  /**
   * Writes `v` as String(v) writes it, when that is sure: an integer below 2^53 (plain
   * digits; -0 is "0"), or a number below 10^9 that has at most 4 decimals, found
   * as the least d for which round(|v| * 10^d) / 10^d is v. At that size 10^d times v's
   * spacing is far below 1/2, so that integer is the only d-decimal text that reads back
   * as v, and the least d gives the fewest digits: the text ECMAScript's Number::toString
   * picks. Returns false, having written nothing, for anything else.
   */
  private number(v: number): boolean {
    const a = v < 0 ? -v : v;
    if (Number.isInteger(a)) {
      if (a > Number.MAX_SAFE_INTEGER) return false;
      this.digitsOf(v < 0, a, 0);
      return true;
    }
    if (!(a < 1e9)) return false; // also NaN, Infinity
    for (let d = 1; d <= 4; d++) {
      const p = POWERS[d]!;
      const r = Math.round(a * p);
      if (r / p === a) {
        this.digitsOf(v < 0, r, d);
        return true;
      }
    }
    return false;
  }

  /** The digits of integer `r` with a point before its last `decimals` (at least one digit before it). */
  private digitsOf(negative: boolean, r: number, decimals: number): void {
    const digits = this.digits;
    let n = 0;
    let rest = r;
    do {
      const q = Math.floor(rest / 10);
      digits[n++] = 48 + (rest - q * 10);
      rest = q;
    } while (rest > 0 || n <= decimals);
    this.ensure(n + 2);
    const buf = this.buf;
    let at = this.at;
    if (negative) buf[at++] = 0x2d;
    for (let i = n - 1; i >= 0; i--) {
      if (i === decimals - 1) buf[at++] = 0x2e;
      buf[at++] = digits[i]!;
    }
    this.at = at;
  }
}

/**
 * A CsvValues text read back as columns: `get(label)` is feature f's value for a label
 * from the text's first on, as the column it was written from gave it. Only for columns
 * that held every value as a number (FeatureColumn.holdsNumbers), whose text is plain
 * ASCII without commas: a number's text is the shortest that reads back as it (-0 is
 * written, and read back, as 0), a boolean's true or false, a time's ISO form. A merge
 * worker's groups keep only their text, not their columns beside it, once it is written;
 * the CSV writer copies the text, and any other reader of the rows gets the values here.
 */
export function csvTextColumns(text: CsvValues, types: readonly FeatureType[]): { get(label: number): Value }[] {
  const bytes = Buffer.from(text.bytes.buffer, text.bytes.byteOffset, text.bytes.byteLength);
  const field = (label: number, f: number): string => {
    const i = label - text.first;
    let start = text.ends[i]!;
    const end = text.ends[i + 1]!;
    for (let k = 0; k < f; k++) start = bytes.indexOf(COMMA, start) + 1;
    const comma = bytes.indexOf(COMMA, start);
    return bytes.toString('latin1', start, comma >= 0 && comma < end ? comma : end);
  };
  return types.map((type, f) => ({
    get(label: number): Value {
      const s = field(label, f);
      if (s === '') return null;
      switch (type) {
        case 'bool':
          return s === 'true';
        case 'timestamp':
          return new Date(s);
        default:
          return Number(s);
      }
    },
  }));
}
