import type { Connection, FieldPacket } from 'mysql2';
import type { CompiledQuery, Row } from '../dialect.js';
import { bufferedBatches, flatten } from '../batches.js';
import { KnexDriver, type Execute } from '../knex/knex-driver.js';

export type MysqlConnection = Connection;

/** Rows buffered in the stream before mysql2 pauses the socket. */
const HIGH_WATER_MARK = 2000;

export function queryWithFields(
  connection: MysqlConnection,
  query: CompiledQuery,
): Promise<{ rows: unknown; fields: FieldPacket[] | undefined }> {
  return new Promise((resolve, reject) => {
    connection.query(query.sql, [...query.parameters], (err, rows, fields) =>
      err ? reject(err) : resolve({ rows, fields: fields as FieldPacket[] | undefined }),
    );
  });
}

/** A write statement yields its OK packet (a ResultSetHeader), not a row. */
function isOkPacket(row: unknown): boolean {
  return !!row && typeof row === 'object' && row.constructor?.name === 'ResultSetHeader';
}

export class MysqlDriver extends KnexDriver {
  stream(query: CompiledQuery): AsyncIterable<Row> {
    return flatten(this.batches(query));
  }

  override batches(query: CompiledQuery): AsyncIterable<Row[]> {
    return this.open<Row[]>(query, false);
  }

  arrayBatches(query: CompiledQuery): AsyncIterable<unknown[][]> {
    return this.open<unknown[][]>(query, true);
  }

  /** The rows of a query as batches of what the stream holds, objects or arrays. */
  private open<B>(query: CompiledQuery, rowsAsArray: boolean): AsyncIterable<B> {
    return this.streamOn<MysqlConnection, B>((connection) => {
      const rows = connection.query({ sql: query.sql, values: [...query.parameters], rowsAsArray }).stream({ highWaterMark: HIGH_WATER_MARK });
      // mysql2 reports a connection closed under a running query (KILL, a failover, a
      // network cut) on the connection only; the row stream would wait forever.
      const lost = (err: Error): void => void rows.destroy(err);
      const ended = (): void => void setImmediate(() => rows.destroy(new Error('Connection lost: The server closed the connection.')));
      connection.on('error', lost);
      connection.on('end', ended);
      return {
        rows: bufferedBatches(rows, (row) => !isOkPacket(row)),
        // The rest of the result is still on the wire with the socket paused: the
        // connection cannot run another query, so it is closed. Knex's pool sees the
        // destroyed socket on validation and replaces the connection.
        abandon: () => connection.destroy(),
        stop() {
          connection.off('error', lost);
          connection.off('end', ended);
        },
      };
    });
  }

  all(query: CompiledQuery): Promise<Row[]> {
    return this.withConnection<MysqlConnection, Row[]>(async (connection) => {
      const { rows } = await queryWithFields(connection, query);
      return Array.isArray(rows) ? (rows as Row[]) : [];
    });
  }

  protected executor(connection: MysqlConnection): Execute {
    return async (query) => {
      await queryWithFields(connection, query);
    };
  }

  /** KILL QUERY stops the statement (it fails with "Query execution was interrupted") and keeps the session. */
  protected override async cancelOn(canceller: unknown, connection: unknown): Promise<void> {
    const thread = (connection as MysqlConnection).threadId;
    if (Number.isInteger(thread)) await queryWithFields(canceller as MysqlConnection, { sql: `KILL QUERY ${thread}`, parameters: [] });
  }
}
