/**
 * Temporary files of a partitioned merge join (partitioned-merge.ts): a private folder
 * in the system's temporary directory, files readable by this user only (0600), removed
 * when the join ends and, should the process exit first (Ctrl-C), by an 'exit' handler.
 *
 * A file is a sequence of chunks, each a 4-byte length and a v8-serialized value; typed
 * arrays inside a value are written as their bytes, so numeric columns cost a copy, not a
 * per-value encoding. Writes and reads are synchronous: the files are local and the chunks
 * large, and the callers give the event loop a turn between chunks.
 */
import { closeSync, mkdtempSync, openSync, readSync, rmSync, unlinkSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deserialize, serialize } from 'node:v8';

export class SpillFolder {
  readonly path: string;
  private files = 0;
  private readonly prefix: string;
  private readonly removeOnExit = (): void => this.remove();

  /**
   * A new folder; or, with `shared`, another thread's folder, in which this thread's files
   * are named with `prefix` (the folder's owner removes it, on exit too).
   */
  constructor(shared?: { path: string; prefix: string }) {
    if (shared) {
      this.path = shared.path;
      this.prefix = shared.prefix;
      return;
    }
    this.path = mkdtempSync(join(tmpdir(), 'spellbook-join-'));
    this.prefix = '';
    process.on('exit', this.removeOnExit);
  }

  /** A new empty file in the folder. */
  file(): SpillFile {
    return new SpillFile(join(this.path, `${this.prefix}${this.files++}.bin`));
  }

  /** A file another thread wrote in the folder and handed over (SpillFile.handOver). */
  adopt(file: HandedOverFile): SpillFile {
    return new SpillFile(file.path, file.size);
  }

  /** Deletes the folder and everything in it; safe to call more than once. */
  remove(): void {
    process.off('exit', this.removeOnExit);
    rmSync(this.path, { recursive: true, force: true });
  }
}

/** Written to the end, then read from the start (once, or again). */
export class SpillFile {
  private fd: number | undefined;
  private size = 0;
  private readonly header = Buffer.alloc(4);

  /** A new file; or, with `size`, one already written (by another thread). */
  constructor(
    private readonly path: string,
    size?: number,
  ) {
    this.fd = openSync(path, size === undefined ? 'w+' : 'r', 0o600);
    this.size = size ?? 0;
  }

  /** Closes the file, written, for another thread to read (SpillFolder.adopt). */
  handOver(): HandedOverFile {
    closeSync(this.fd!);
    this.fd = undefined;
    return { path: this.path, size: this.size };
  }

  append(value: unknown): void {
    const body = serialize(value);
    this.header.writeUInt32LE(body.length, 0);
    writeSync(this.fd!, this.header, 0, 4, this.size);
    writeSync(this.fd!, body, 0, body.length, this.size + 4);
    this.size += 4 + body.length;
  }

  /** The chunks in the order they were appended. */
  *chunks<T>(): Generator<T> {
    const header = Buffer.alloc(4);
    for (let at = 0; at < this.size; ) {
      readFully(this.fd!, header, at);
      const body = Buffer.allocUnsafe(header.readUInt32LE(0));
      readFully(this.fd!, body, at + 4);
      at += 4 + body.length;
      yield deserialize(body) as T;
    }
  }

  /** Closes and deletes the file (its folder's removal would too; this frees the disk early). */
  delete(): void {
    if (this.fd === undefined) return;
    closeSync(this.fd);
    this.fd = undefined;
    unlinkSync(this.path);
  }
}

/** A written file passed between threads: where it is and how long. */
export interface HandedOverFile {
  readonly path: string;
  readonly size: number;
}

function readFully(fd: number, into: Buffer, position: number): void {
  for (let done = 0; done < into.length; ) {
    const n = readSync(fd, into, done, into.length - done, position + done);
    if (n === 0) throw new Error(`a temporary file of the join ended early`);
    done += n;
  }
}

/**
 * One column of values as a chunk stores it: numbers (and NULLs) as a Float64Array and a
 * NULL mask; anything else (strings, booleans, dates, big integers, bytes) as the array
 * itself. Values come back exactly as they went in.
 */
export type SpilledColumn = { readonly numbers: Float64Array; readonly isNull: Uint8Array } | { readonly values: unknown[] };

export function spillColumn(values: readonly unknown[], n: number): SpilledColumn {
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (v !== null && typeof v !== 'number') return { values: values.slice(0, n) };
  }
  const numbers = new Float64Array(n);
  const isNull = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (v === null) isNull[i] = 1;
    else numbers[i] = v as number;
  }
  return { numbers, isNull };
}

/** The value at position i of a spilled column. */
export function spilledValue(column: SpilledColumn, i: number): unknown {
  if ('values' in column) return column.values[i];
  return column.isNull[i] ? null : column.numbers[i];
}
