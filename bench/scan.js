// Baseline child process for bench/run.js: runs plain SQL statements through the same
// driver spellbook uses (better-sqlite3 iterate(), pg + pg-query-stream, mysql2 row
// stream), reads every row, and prints {"rows": N} on stdout. Statements run
// concurrently, one connection each, as spellbook's export streams do. With "out", every
// row is also written to that file as CSV (its values joined by commas, 1 MiB writes), so a
// hand-written baseline pays for its output as spellbook does; without it rows are discarded.
//
//   node bench/scan.js '{"engine":"sqlite","file":"…","queries":[{"sql":"…","params":[]}],"out":"…"}'
import { closeSync, openSync, writeSync } from 'node:fs';

const spec = JSON.parse(process.argv[2]);
const fd = spec.out ? openSync(spec.out, 'w') : undefined;
let pending = '';
function emit(row) {
  if (fd === undefined) return;
  let line = '';
  for (const k in row) line += (line === '' ? '' : ',') + (row[k] ?? '');
  pending += line + '\n';
  if (pending.length > 1 << 20) {
    writeSync(fd, pending);
    pending = '';
  }
}

async function sqlite() {
  const { default: Database } = await import('better-sqlite3');
  const db = new Database(spec.file, { readonly: true });
  let rows = 0;
  for (const q of spec.queries) {
    for (const row of db.prepare(q.sql).iterate(...q.params)) if (row) {
        rows++;
        emit(row);
      }
  }
  db.close();
  return rows;
}

async function postgres() {
  const { default: pg } = await import('pg');
  const { default: QueryStream } = await import('pg-query-stream');
  // As spellbook's connection: timestamps, int8 and numeric stay text.
  const text = new Set([20, 1082, 1114, 1184, 1700]);
  const types = { getTypeParser: (oid, format) => (text.has(oid) ? (v) => v : pg.types.getTypeParser(oid, format)) };
  const counts = await Promise.all(
    spec.queries.map(async (q) => {
      const client = new pg.Client({ connectionString: spec.url, types });
      await client.connect();
      await client.query("SET TIME ZONE 'UTC'");
      let rows = 0;
      for await (const row of client.query(new QueryStream(q.sql, q.params, { batchSize: 2000 }))) if (row) {
        rows++;
        emit(row);
      }
      await client.end();
      return rows;
    }),
  );
  return counts.reduce((a, b) => a + b, 0);
}

async function mysql() {
  const { default: mysql } = await import('mysql2');
  const counts = await Promise.all(
    spec.queries.map(async (q) => {
      const conn = mysql.createConnection({ ...spec.connection, timezone: 'Z', dateStrings: true });
      let rows = 0;
      for await (const row of conn.query(q.sql, q.params).stream({ highWaterMark: 2000 })) if (row) {
        rows++;
        emit(row);
      }
      await new Promise((resolve) => conn.end(resolve));
      return rows;
    }),
  );
  return counts.reduce((a, b) => a + b, 0);
}

const rows = await { sqlite, postgres, mysql }[spec.engine]();
if (fd !== undefined) {
  writeSync(fd, pending);
  closeSync(fd);
}
process.stdout.write(JSON.stringify({ rows }) + '\n');
