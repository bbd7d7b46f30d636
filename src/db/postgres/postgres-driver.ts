import { finished } from 'node:stream/promises';
import pg from 'pg';
import QueryStream from 'pg-query-stream';
import { to as copyTo, type CopyToStreamQuery } from 'pg-copy-streams';
import type { CompiledQuery, Row } from '../dialect.js';
import { discard } from '../knex/pool.js';
import { bufferedBatches } from '../batches.js';
import { KnexDriver, type Execute } from '../knex/knex-driver.js';
import { CopyTextRows, floatReader, intReader, textReader, type FieldReader, type TextParser } from './copy-text.js';
import { epochSecondsToMs, readEpochSeconds } from './epoch-seconds.js';
import { pgParameters } from './array-literal.js';

/** The alias of the statement wrapped to learn its column types. */
const SUBQUERY = '"spellbook_copy"';

/** Rows fetched per round trip by the cursor. */
const BATCH_SIZE = 2000;

/**
 * pg-cursor's close() waits for a readyForQuery that a dead connection never sends
 * (brianc/node-postgres#2642, #2588), so a stream whose session was terminated
 * (pg_terminate_backend, a failover, a network cut) would never finish destroying and the
 * run would hang. Once the client has ended or failed, destroying the stream completes
 * at once with the error, and the connection is not given back to the pool.
 */
function whenLost(connection: pg.Client, rows: QueryStream): { happened(): boolean; readonly error: Error | undefined; stop(): void } {
  let gone = false;
  let settle: (() => void) | undefined;
  const onGone = (): void => {
    gone = true;
    settle?.();
  };
  // The connection's first error, for the read's report (reported).
  const failed = connectionError(connection);
  connection.on('end', onGone);
  connection.on('error', onGone);
  const close = rows._destroy.bind(rows);
  rows._destroy = (err, callback) => {
    let settled = false;
    const finish = (e: Error | null): void => {
      if (settled) return;
      settled = true;
      callback(e);
    };
    settle = () => finish(err ?? new Error('Connection terminated unexpectedly'));
    if (gone) return settle();
    close(err, finish);
  };
  return {
    happened: () => gone,
    get error() {
      return failed.error;
    },
    stop: () => {
      failed.stop();
      connection.off('end', onGone);
      connection.off('error', onGone);
    },
  };
}

/**
 * The error the connection itself failed with, once it has: the server ending the session
 * (pg_terminate_backend, a shutdown) between two statements of a read, e.g. while the COPY
 * statement's column types were asked for, reaches pg as the client's own error event, and
 * the next statement on it fails with only "Client has encountered a connection error and
 * is not queryable". A read reports the session's own error instead.
 */
function connectionError(connection: pg.Client): { readonly error: Error | undefined; stop(): void } {
  let first: Error | undefined;
  const failed = (err: Error): void => {
    first ??= err;
  };
  connection.on('error', failed);
  return {
    get error() {
      return first;
    },
    stop: () => connection.off('error', failed),
  };
}

/**
 * A read's rows; a statement refused because its connection had already failed is
 * reported with the connection's own error (connectionError). Only then: a session ended
 * while a statement runs fails that statement with the server's words, and the socket's
 * error (ECONNRESET) that follows says less.
 */
async function* reported<T>(rows: AsyncIterable<T>, lost: { readonly error: Error | undefined }): AsyncGenerator<T> {
  try {
    yield* rows;
  } catch (err) {
    throw lost.error !== undefined && err instanceof Error && NOT_QUERYABLE.test(err.message) ? lost.error : err;
  }
}

/** pg's refusal of a statement on a client whose connection has failed. */
const NOT_QUERYABLE = /^Client has encountered a connection error and is not queryable$/;

/** The cursor's numeric text of scanTime columns (epoch seconds) as epoch ms, as the COPY reader gives them. */
async function* epochSecondsRead(batches: AsyncIterable<unknown[][]>, at: readonly number[]): AsyncGenerator<unknown[][]> {
  for await (const batch of batches) {
    for (const row of batch) for (const i of at) if (row[i] !== null) row[i] = epochSecondsToMs(row[i] as string);
    yield batch;
  }
}

/** int2, int4; float4, float8: read from a COPY row's bytes where the connection parses them as pg does by default. */
const INT_OIDS = new Set([21, 23]);
const FLOAT_OIDS = new Set([700, 701]);

/** How a COPY row's field of type `oid` is read: from its bytes for pg's own int and float parsers, else as text through `parse`. */
function fieldReader(oid: number, parse: TextParser): FieldReader {
  const pgOwn = parse === (pg.types.getTypeParser(oid, 'text') as TextParser);
  if (pgOwn && INT_OIDS.has(oid)) return intReader(parse);
  if (pgOwn && FLOAT_OIDS.has(oid)) return floatReader(parse);
  return textReader(parse);
}

export class PostgresDriver extends KnexDriver {
  stream(query: CompiledQuery): AsyncIterable<Row> {
    return this.rows<Row>(query);
  }

  /**
   * A statement without parameters (the merge's scans) is read with `COPY (…) TO STDOUT`:
   * the server streams every row at once instead of 2,000 per cursor round trip, and rows
   * arrive a network chunk at a time, not one protocol message and one promise each. COPY
   * is a read (allowed in a read-only transaction and for a SELECT-only role) but takes no
   * bound parameters, and values are never spliced into SQL (SPEC §5): a statement with
   * parameters keeps the cursor.
   */
  arrayBatches(query: CompiledQuery): AsyncIterable<unknown[][]> {
    if (query.parameters.length > 0) return this.cursorBatches(query);
    return this.copyBatches(query.sql, query.scanTimesAt ?? []);
  }

  private copyBatches(sql: string, scanTimesAt: readonly number[]): AsyncIterable<unknown[][]> {
    return this.streamOn<pg.Client, unknown[][]>((connection) => {
      let copy: CopyToStreamQuery | undefined;
      const lost = connectionError(connection);
      async function* batches(): AsyncGenerator<unknown[][]> {
        // COPY's text carries no column types: a LIMIT 0 run of the same statement gives them
        // (the server plans it, reads nothing), so each column gets the parser the cursor used.
        const described = await connection.query({ text: `SELECT * FROM (${sql}) AS ${SUBQUERY} LIMIT 0`, rowMode: 'array' });
        const parsers = described.fields.map((f, i) => (scanTimesAt.includes(i) ? epochSecondsToMs : (connection.getTypeParser(f.dataTypeID, 'text') as TextParser)));
        const readers = described.fields.map((f, i) => (scanTimesAt.includes(i) ? readEpochSeconds : fieldReader(f.dataTypeID, parsers[i]!)));
        const rows = new CopyTextRows(readers, parsers);
        copy = connection.query(copyTo(`COPY (${sql}) TO STDOUT`));
        for await (const chunk of copy as AsyncIterable<Buffer>) {
          const batch = rows.push(chunk);
          if (batch.length > 0) yield batch;
        }
        rows.end();
      }
      return {
        rows: reported(batches(), lost),
        stop: lost.stop,
        abandon() {
          // The server sends the rest of the COPY whatever the client does: the connection
          // is closed rather than drained, and the pool replaces it.
          copy?.destroy();
          discard(connection, 'COPY abandoned');
        },
      };
    });
  }

  /** The cursor's rows as arrays, every row it holds at each wake-up as one batch (see bufferedBatches). */
  private cursorBatches(query: CompiledQuery): AsyncIterable<unknown[][]> {
    const batches = this.rows<unknown[][]>(query, 'array', (rows) => bufferedBatches<unknown[]>(rows, undefined, 'Connection terminated unexpectedly'));
    const at = query.scanTimesAt ?? [];
    return at.length === 0 ? batches : epochSecondsRead(batches, at);
  }

  private rows<R>(query: CompiledQuery, rowMode?: 'array', read: (rows: QueryStream) => AsyncIterable<unknown> = (rows) => rows): AsyncIterable<R> {
    return this.streamOn<pg.Client, R>((connection) => {
      const rows = new QueryStream(query.sql, pgParameters(query.parameters), { batchSize: BATCH_SIZE, ...(rowMode ? { rowMode } : {}) });
      const lost = whenLost(connection, rows);
      connection.query(rows);
      return {
        rows: reported(read(rows), lost),
        async abandon() {
          // Closing the portal leaves the session ready for the next query; if that fails
          // the connection is not trusted again.
          rows.destroy();
          await finished(rows).catch(() => undefined);
          if (lost.happened() || (rows.cursor as { state?: string } | undefined)?.state === 'error') discard(connection, 'cursor failed');
        },
        stop: lost.stop,
      };
    });
  }

  all(query: CompiledQuery): Promise<Row[]> {
    return this.withConnection<pg.Client, Row[]>(async (connection) => {
      // Extended protocol even without parameters: one statement per call, never a batch.
      const result = await connection.query({
        text: query.sql,
        values: pgParameters(query.parameters),
        queryMode: 'extended',
      } as pg.QueryConfig);
      return result.rows as Row[];
    });
  }

  protected executor(connection: pg.Client): Execute {
    return async (query) => {
      await connection.query({ text: query.sql, values: pgParameters(query.parameters) });
    };
  }

  /** pg_cancel_backend: the statement fails with "canceling statement due to user request"; the session lives on. */
  protected override async cancelOn(canceller: unknown, connection: unknown): Promise<void> {
    const pid = (connection as pg.Client & { processID: number | null }).processID;
    if (pid !== null) await (canceller as pg.Client).query('SELECT pg_cancel_backend($1)', [pid]);
  }
}
