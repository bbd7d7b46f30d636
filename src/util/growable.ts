/**
 * Typed arrays of unknown final length: a million numbers without a million-element JS
 * array. Values are kept in blocks of fixed size and copied once into an array of the
 * exact length at the end. Doubling one array instead held up to three times the values
 * while it grew (the old array, the new one) and twice at the end (its spare room, the
 * trimmed copy): reading 10M labels' times and keys peaked at ~310 MB of arrays for 120 MB
 * of values; blocks peak at twice the values, for the moment of the copy.
 */
type TypedArray = Float64Array | Int32Array;

/** Values per block: 512 KB of doubles. Smaller blocks come first, so a short list stays small. */
const BLOCK = 1 << 16;

export class Growable<T extends TypedArray> {
  private readonly full: T[] = [];
  private block: T;
  private at = 0;
  length = 0;

  constructor(
    private readonly make: (size: number) => T,
    private readonly makeShared: (size: number) => T,
  ) {
    this.block = make(1024);
  }

  push(value: number): void {
    if (this.at === this.block.length) {
      this.full.push(this.block);
      this.block = this.make(Math.min(BLOCK, 2 * this.block.length));
      this.at = 0;
    }
    this.block[this.at++] = value;
    this.length++;
  }

  /**
   * The values, in an array of their exact length; with `shared`, on a SharedArrayBuffer,
   * so that a worker thread can read them without a copy of its own.
   */
  toArray(shared = false): T {
    if (!shared && this.full.length === 0 && this.at === this.block.length) return this.block;
    const out = (shared ? this.makeShared : this.make)(this.length);
    let o = 0;
    for (const b of this.full) {
      out.set(b, o);
      o += b.length;
    }
    out.set(this.block.subarray(0, this.at), o);
    return out;
  }
}

export const growableFloat64 = () =>
  new Growable<Float64Array>(
    (n) => new Float64Array(n),
    (n) => new Float64Array(new SharedArrayBuffer(8 * n)),
  );
export const growableInt32 = () =>
  new Growable<Int32Array>(
    (n) => new Int32Array(n),
    (n) => new Int32Array(new SharedArrayBuffer(4 * n)),
  );
