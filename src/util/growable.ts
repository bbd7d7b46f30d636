/** Typed arrays that grow by doubling: a million numbers without a million-element JS array and a copy. */
type TypedArray = Float64Array | Int32Array;

export class Growable<T extends TypedArray> {
  private data: T;
  length = 0;

  constructor(private readonly make: (size: number) => T) {
    this.data = make(1024);
  }

  push(value: number): void {
    if (this.length === this.data.length) {
      const bigger = this.make(this.data.length * 2);
      bigger.set(this.data);
      this.data = bigger;
    }
    this.data[this.length++] = value;
  }

  /** The values, trimmed to length (a copy only when there is spare room). */
  toArray(): T {
    return (this.length === this.data.length ? this.data : this.data.slice(0, this.length)) as T;
  }
}

export const growableFloat64 = () => new Growable((n) => new Float64Array(n));
export const growableInt32 = () => new Growable((n) => new Int32Array(n));
