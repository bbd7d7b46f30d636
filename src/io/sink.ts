/**
 * Where output goes: stdout, or a file written under a temporary name and renamed into
 * place only on success (SPEC §3), so a failed or interrupted run never leaves a partial
 * file and never touches an existing one. Writes are batched and honour backpressure.
 */
import { createWriteStream, type WriteStream } from 'node:fs';
import { rename, unlink } from 'node:fs/promises';
import { unlinkSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { SpellbookError } from '../errors.js';

const BATCH_BYTES = 64 * 1024;

/**
 * How much a file's stream holds before a write waits for the disk (Node's default is
 * 16 KiB). A join's batch of CSV is ~100 KiB, so every batch waited for its own write to
 * reach the file before the next was encoded; with room for several, the next batch is
 * encoded while the thread pool writes the last.
 */
const FILE_BUFFER_BYTES = 1024 * 1024;

/** Temporary files of sinks not yet committed, removed if the process exits early. */
const pending = new Set<string>();
process.once('exit', () => {
  for (const path of pending) {
    try {
      unlinkSync(path);
    } catch {
      /* already gone */
    }
  }
});

export interface Sink {
  /** Buffers `chunk` (text, or bytes for a binary format); returns a promise only when it had to flush (await it then: backpressure). */
  write(chunk: string | Uint8Array): Promise<void> | undefined;
  /** Flushes; for a file, renames the temporary file onto the target. */
  commit(): Promise<void>;
  /** Discards everything written (a file sink removes its temporary file). */
  abort(): Promise<void>;
}

class StreamSink implements Sink {
  private buffer: (string | Uint8Array)[] = [];
  private size = 0;
  private failed: Error | undefined;

  constructor(
    protected readonly stream: Writable,
    private readonly describe: string,
  ) {
    stream.on('error', (err) => (this.failed = err));
  }

  write(chunk: string | Uint8Array): Promise<void> | undefined {
    this.buffer.push(chunk);
    this.size += chunk.length;
    return this.size >= BATCH_BYTES ? this.flush() : undefined;
  }

  private check(): void {
    const failed = this.failed;
    if (failed) throw new SpellbookError('INTERNAL', `cannot write ${this.describe}: ${failed.message}`);
  }

  protected async flush(): Promise<void> {
    this.check();
    if (this.buffer.length === 0) return;
    // Text, bytes (a binary format, or text encoded as it was made), or both (a CSV header, then its rows' bytes).
    const buffer = this.buffer;
    const chunk =
      buffer.length === 1
        ? buffer[0]!
        : buffer.every((c) => typeof c === 'string')
          ? buffer.join('')
          : Buffer.concat(buffer.map((c) => (typeof c === 'string' ? Buffer.from(c) : c)));
    this.buffer = [];
    this.size = 0;
    // once() rejects if 'error' comes first, and leaves no listener behind either way.
    if (!this.stream.write(chunk)) await once(this.stream, 'drain');
    this.check();
  }

  async commit(): Promise<void> {
    await this.flush();
  }

  async abort(): Promise<void> {
    this.buffer = [];
  }
}

class AtomicFileSink extends StreamSink {
  constructor(
    private readonly target: string,
    private readonly temporary: string,
  ) {
    super(createWriteStream(temporary, { flags: 'wx', highWaterMark: FILE_BUFFER_BYTES }), target);
    pending.add(temporary);
  }

  private async close(): Promise<void> {
    const s = this.stream as WriteStream;
    if (s.closed) return;
    await new Promise<void>((resolve) => s.end(() => resolve()));
  }

  override async commit(): Promise<void> {
    await this.flush();
    await this.close();
    await rename(this.temporary, this.target);
    pending.delete(this.temporary);
  }

  override async abort(): Promise<void> {
    await super.abort();
    await this.close().catch(() => undefined);
    await unlink(this.temporary).catch(() => undefined);
    pending.delete(this.temporary);
  }
}

/** stdout when `path` is undefined or '-', else an atomic file. */
export function openSink(path?: string): Sink {
  if (path === undefined || path === '-') return new StreamSink(process.stdout, 'stdout');
  const temporary = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  return new AtomicFileSink(path, temporary);
}
