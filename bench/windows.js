// Benchmark of windowed aggregates (SPEC §7; see "## Windowed aggregates" in docs/benchmarks.md).
//
//   npm run build && node bench/windows.js [--events 10000000] [--keys 100000] [--labels 1000000]
//                                          [--repeat 3] [--engines sqlite,postgres]
//
// The data, generated once per size and kept in bench/data (SQLite) and the spellbook_bench
// schema (PostgreSQL): an `account` table of raw events, --events rows over --keys int keys
// with event times over 2024 (bench/generate.js's PRNG and row shape: created = event + up
// to 1 h, a float balance, an int txn_count), and a labels CSV of --labels rows over the
// same keys. The defaults are issue 11's sizes.
// Measured per engine, each a child process under GNU time (wall time here, peak RSS from
// `/usr/bin/time -f %M`), every round in the same order, medians over --repeat rounds:
//   plain join     join --strategy merge of the two latest-value features of the table
//   window join    join --strategy merge of 8 aggregates over the same table: count, sum,
//                  avg and max of balance, each over 7d and 30d
//   hand-written   (PostgreSQL) one range-join query computing the same 8 aggregates for
//                  the same labels (loaded into a table first, not timed), COPY to a file
// The merge's window output is checked against the hand-written query's (counts exactly,
// float sums and averages to a relative 1e-9: the order of additions differs).
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createWriteStream, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { BENCH_DIR, DATA_DIR, PG_URL, SCHEMA, YEAR_MS, YEAR_START, prng } from './generate.js';

const ROOT = join(BENCH_DIR, '..');
const OUT = join(BENCH_DIR, 'out', 'windows');
const { values: args } = parseArgs({
  options: {
    events: { type: 'string', default: '10000000' },
    keys: { type: 'string', default: '100000' },
    labels: { type: 'string', default: '1000000' },
    repeat: { type: 'string', default: '3' },
    engines: { type: 'string', default: 'sqlite,postgres' },
    'generate-only': { type: 'boolean', default: false },
  },
});
const rows = Number(args.events);
const keys = Number(args.keys);
const labelCount = Number(args.labels);
/** Names the data of one size: `e10000000_k100000_l1000000`. */
const TAG = `e${rows}_k${keys}_l${labelCount}`;
const sqliteFile = join(DATA_DIR, `windows_${TAG}.db`);
const labelsFile = join(DATA_DIR, `windows_labels_${TAG}.csv`);
const pgTable = `${SCHEMA}.window_account_${TAG}`;
const repeat = Number(args.repeat);
const engines = args.engines.split(',');
mkdirSync(OUT, { recursive: true });

const WINDOWS = ['7d', '30d'];
const AGGREGATES = [
  ['count', undefined],
  ['sum', 'balance'],
  ['avg', 'balance'],
  ['max', 'balance'],
];

function metadata(engine) {
  // SQLite keeps one database file per size; PostgreSQL one schema with a table per size.
  const table = engine === 'sqlite' ? 'account' : pgTable.split('.')[1];
  const connection = engine === 'sqlite' ? `sqlite:${sqliteFile}` : `${PG_URL}?options=-c%20search_path%3D${SCHEMA}`;
  const windowFeatures = WINDOWS.flatMap((w) =>
    AGGREGATES.map(([fn, column]) => ({ name: `${fn}_${w}`, type: fn === 'count' ? 'int' : 'float', ...(column ? { column } : {}), aggregate: fn, window: w })),
  );
  const md = {
    version: 1,
    connection,
    entities: [{ name: 'user', key: 'user_id', type: 'int' }],
    groups: [
      { name: 'latest', entity: 'user', table, event_time: 'updated_at', created_time: 'loaded_at', features: [{ name: 'balance', type: 'float' }, { name: 'txn_count', type: 'int' }] },
      { name: 'events', entity: 'user', table, event_time: 'updated_at', created_time: 'loaded_at', features: windowFeatures },
    ],
  };
  const file = join(OUT, `metadata-${engine}.json`);
  // JSON is YAML: the loader reads it as is.
  writeFileSync(file, JSON.stringify(md, null, 2));
  return file;
}

/** The events: [user_id, event ms, created ms, balance, txn_count], the same stream on every engine. */
function* eventRows() {
  const r = prng(11);
  for (let i = 0; i < rows; i++) {
    const event = YEAR_START + Math.floor(r() * YEAR_MS);
    yield [Math.floor(r() * keys), event, event + Math.floor(r() * 3_600_000), Math.round(r() * 1_000_000) / 100, Math.floor(r() * 1000)];
  }
}

const iso = (ms) => new Date(ms).toISOString();

/** Writes `file` through a temporary name, so an interrupted run leaves nothing that looks done. */
async function writeOnce(file, fill) {
  if (existsSync(file)) return;
  const tmp = `${file}.tmp`;
  rmSync(tmp, { force: true });
  await fill(tmp);
  renameSync(tmp, file);
  console.error(`generated ${file}`);
}

async function ensureLabels() {
  await writeOnce(labelsFile, async (tmp) => {
    const out = createWriteStream(tmp);
    const r = prng(13);
    let buf = 'user_id,event_timestamp,label\n';
    for (let i = 0; i < labelCount; i++) {
      const t = YEAR_START + Math.floor(r() * (YEAR_MS / 1000)) * 1000;
      buf += `${Math.floor(r() * keys)},${iso(t).replace('.000Z', 'Z')},${r() < 0.2 ? 1 : 0}\n`;
      if (buf.length > 1 << 20) {
        if (!out.write(buf)) await once(out, 'drain');
        buf = '';
      }
    }
    out.end(buf);
    await once(out, 'finish');
  });
}

async function ensureSqlite() {
  const { default: Database } = await import('better-sqlite3');
  await writeOnce(sqliteFile, async (tmp) => {
    const db = new Database(tmp);
    db.pragma('journal_mode = OFF');
    db.pragma('synchronous = OFF');
    db.exec('CREATE TABLE account (user_id INTEGER NOT NULL, updated_at TEXT NOT NULL, loaded_at TEXT, balance REAL, txn_count INTEGER)');
    const insert = db.prepare('INSERT INTO account VALUES (?, ?, ?, ?, ?)');
    const batch = db.transaction((xs) => xs.forEach(([k, e, c, f1, f2]) => insert.run(k, iso(e), iso(c), f1, f2)));
    let xs = [];
    for (const row of eventRows()) {
      xs.push(row);
      if (xs.length === 100_000) (batch(xs), (xs = []));
    }
    batch(xs);
    db.close();
  });
}

/** The PostgreSQL table, with the (key, time) index the hand-written range join needs. */
async function ensurePostgres() {
  const { default: pg } = await import('pg');
  const client = new pg.Client({ connectionString: PG_URL });
  await client.connect();
  try {
    if ((await client.query('SELECT to_regclass($1) AS r', [pgTable])).rows[0].r) return;
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${SCHEMA}`);
    const tmp = `${pgTable}_tmp`;
    await client.query(`DROP TABLE IF EXISTS ${tmp}`);
    await client.query(`CREATE UNLOGGED TABLE ${tmp} (user_id int NOT NULL, updated_at timestamp NOT NULL, loaded_at timestamp, balance float8, txn_count int)`);
    const sql = `INSERT INTO ${tmp} SELECT * FROM unnest($1::int[], $2::timestamp[], $3::timestamp[], $4::float8[], $5::int[])`;
    let arrays = [[], [], [], [], []];
    const naive = (ms) => iso(ms).slice(0, 23).replace('T', ' ');
    for (const [k, e, c, f1, f2] of eventRows()) {
      [k, naive(e), naive(c), f1, f2].forEach((v, i) => arrays[i].push(v));
      if (arrays[0].length === 100_000) {
        await client.query(sql, arrays);
        arrays = [[], [], [], [], []];
      }
    }
    if (arrays[0].length) await client.query(sql, arrays);
    await client.query(`CREATE INDEX ON ${tmp} (user_id, updated_at)`);
    await client.query(`VACUUM ANALYZE ${tmp}`);
    await client.query(`ALTER TABLE ${tmp} RENAME TO ${pgTable.split('.')[1]}`);
    console.error(`generated ${pgTable}`);
  } finally {
    await client.end();
  }
}

/** Runs a command under GNU time; resolves to { seconds, peakMb }. */
function measure(command, argv, stdoutFile) {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn('/usr/bin/time', ['-f', '%M', command, ...argv], { cwd: ROOT, stdio: ['ignore', stdoutFile ? 'pipe' : 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d) => (err += d));
    if (stdoutFile) {
      const chunks = [];
      child.stdout.on('data', (d) => chunks.push(d));
      child.on('close', () => writeFileSync(stdoutFile, Buffer.concat(chunks)));
    }
    child.on('close', (code) => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const kb = Number(err.trim().split('\n').pop());
      if (code !== 0) reject(new Error(`${command} ${argv.join(' ')} exited ${code}: ${err.slice(0, 500)}`));
      else resolve({ seconds, peakMb: kb / 1024 });
    });
  });
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** The labels as a PostgreSQL table (setup, not timed): label number, key, time. */
async function pgLabels() {
  const { default: pg } = await import('pg');
  const client = new pg.Client({ connectionString: PG_URL });
  await client.connect();
  const t = `${SCHEMA}.window_labels_${TAG}`;
  const exists = (await client.query(`SELECT to_regclass($1) AS r`, [t])).rows[0].r;
  if (!exists) {
    await client.query(`CREATE UNLOGGED TABLE ${t} (n int, user_id int, t timestamp)`);
    const lines = readFileSync(labelsFile, 'utf8').trimEnd().split('\n').slice(1);
    for (let i = 0; i < lines.length; i += 20_000) {
      const vals = [];
      const params = [];
      lines.slice(i, i + 20_000).forEach((line, j) => {
        const [k, ts] = line.split(',');
        params.push(i + j, Number(k), ts);
        vals.push(`($${3 * j + 1}::int, $${3 * j + 2}::int, $${3 * j + 3}::timestamptz AT TIME ZONE 'UTC')`);
      });
      await client.query(`INSERT INTO ${t} VALUES ${vals.join(', ')}`, params);
    }
    await client.query(`ANALYZE ${t}`);
  }
  await client.end();
  return t;
}

/** The fastest range join we could write by hand for the same 8 aggregates. */
function handWritten(labels) {
  const a = pgTable;
  const cols = WINDOWS.flatMap((w) => {
    const inW = `a.updated_at > l.t - interval '${w.replace('d', ' days')}'`;
    return [`count(a.updated_at) FILTER (WHERE ${inW})`, `sum(a.balance) FILTER (WHERE ${inW})`, `avg(a.balance) FILTER (WHERE ${inW})`, `max(a.balance) FILTER (WHERE ${inW})`];
  });
  return (
    `COPY (SELECT l.n, ${cols.join(', ')} FROM ${labels} l LEFT JOIN ${a} a ON a.user_id = l.user_id` +
    ` AND a.updated_at <= l.t AND a.updated_at > l.t - interval '30 days' GROUP BY l.n ORDER BY l.n) TO STDOUT WITH CSV`
  );
}

function compare(mergeCsv, pgCsv) {
  const merge = readFileSync(mergeCsv, 'utf8').trimEnd().split('\n').slice(1).map((l) => l.split(',').slice(3));
  const hand = readFileSync(pgCsv, 'utf8').trimEnd().split('\n').map((l) => l.split(',').slice(1));
  if (merge.length !== hand.length) return `row counts differ: ${merge.length} vs ${hand.length}`;
  let floatDiffs = 0;
  for (let i = 0; i < merge.length; i++) {
    for (let c = 0; c < 8; c++) {
      const x = merge[i][c], y = hand[i][c];
      if (x === y) continue;
      if (x === '' || y === '' || c % 4 === 0) return `label ${i} column ${c}: ${x} vs ${y}`;
      const rel = Math.abs(Number(x) - Number(y)) / Math.max(1, Math.abs(Number(y)));
      if (rel > 1e-9) return `label ${i} column ${c}: ${x} vs ${y}`;
      floatDiffs++;
    }
  }
  return `identical (${floatDiffs} float sums/averages differ in the last bits)`;
}

const bin = join(ROOT, 'bin', 'run.js');
mkdirSync(DATA_DIR, { recursive: true });
await ensureLabels();
if (engines.includes('sqlite')) await ensureSqlite();
if (engines.includes('postgres')) await ensurePostgres();
const labels = labelsFile;
const results = {};
const pgLabelsTable = engines.includes('postgres') ? await pgLabels() : undefined;
if (args['generate-only']) process.exit(0);
for (const engine of engines) {
  const md = metadata(engine);
  const runs = { plain: [], window: [], hand: [] };
  for (let r = 0; r < repeat; r++) {
    const plainOut = join(OUT, `plain-${engine}.csv`);
    const windowOut = join(OUT, `window-${engine}.csv`);
    runs.plain.push(await measure(process.execPath, [bin, 'join', '-m', md, '-i', labels, '-f', 'latest.*', '--strategy', 'merge', '--quiet', '-o', plainOut]));
    runs.window.push(await measure(process.execPath, [bin, 'join', '-m', md, '-i', labels, '-f', 'events.*', '--strategy', 'merge', '--quiet', '-o', windowOut]));
    if (engine === 'postgres') runs.hand.push(await measure('psql', [PG_URL, '-q', '-c', handWritten(pgLabelsTable)], join(OUT, 'hand-postgres.csv')));
    console.error(`${engine} round ${r + 1}: plain ${runs.plain.at(-1).seconds.toFixed(1)} s, window ${runs.window.at(-1).seconds.toFixed(1)} s${engine === 'postgres' ? `, hand-written ${runs.hand.at(-1).seconds.toFixed(1)} s` : ''}`);
  }
  const m = (xs, k) => (xs.length ? median(xs.map((x) => x[k])) : undefined);
  const ratios = runs.window.map((w, i) => w.seconds / runs.plain[i].seconds);
  results[engine] = {
    plain: { seconds: m(runs.plain, 'seconds'), peakMb: m(runs.plain, 'peakMb') },
    window: { seconds: m(runs.window, 'seconds'), peakMb: m(runs.window, 'peakMb') },
    windowOverPlain: median(ratios),
    ...(runs.hand.length ? { hand: { seconds: m(runs.hand, 'seconds') }, windowOverHand: median(runs.window.map((w, i) => w.seconds / runs.hand[i].seconds)), check: compare(join(OUT, 'window-postgres.csv'), join(OUT, 'hand-postgres.csv')) } : {}),
  };
}
const report = { rows, keys, labels: labelCount, repeat, loadAverage: loadavg(), results };
writeFileSync(join(OUT, `results-${TAG}.json`), JSON.stringify(report, null, 2));
console.log(JSON.stringify(report, null, 2));
