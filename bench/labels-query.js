// Benchmark of `join --input-query` (issue 10, SPEC §8) on PostgreSQL: the labels live in
// a table of the features' database. Three ways to the same training set, side by side
// in each round (the machine is shared: medians over --repeat rounds):
//
//   query, database   join --input-query … --strategy database: one statement, the query
//                     as its CTE; the labels never leave the database
//   query, merge      join --input-query … --strategy merge: the labels query streamed
//                     into the merge (and run again to write), one scan per group
//   CSV export + file psql \copy of the same query to a CSV file, then join --input-file
//                     (merge, what auto picks for 1M labels): the workflow it replaces
//
//   npm run bench:labels-query -- [--scale 1] [--repeat 3] [--timeout 900] [--where 'user_id < 100']
//
// --where restricts the labels query (and so the exported CSV) to fewer labels, e.g. the
// ~1,000 labels `user_id < 100` selects, where `auto` keeps a query in the database.
//
// Data: bench/generate.js (imported, not changed): its two groups of 1M×scale rows over
// 100k×scale int keys (the unindexed tables) and its 1M×scale labels, loaded once into
// spellbook_bench.labels_query_<tag> with a native timestamptz column. Every measurement is
// a child process under GNU time: wall time taken here, peak RSS from `/usr/bin/time -v`.
// Both query strategies must write byte-identical files (checked every round).
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, createReadStream, existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { BENCH_DIR, GROUPS, PG_URL, SCHEMA, ensureData, labelsFile, scaleTag, sizes, tableName } from './generate.js';

const { values: args } = parseArgs({
  options: {
    scale: { type: 'string', default: '1' },
    repeat: { type: 'string', default: '3' },
    timeout: { type: 'string', default: '900' },
    where: { type: 'string' },
  },
});
const scale = Number(args.scale);
const tag = scaleTag(scale);
const ROOT = join(BENCH_DIR, '..');
const OUT = join(BENCH_DIR, 'out', 'labels-query');
const APP = join(OUT, 'app');
const LABELS_TABLE = `${SCHEMA}.labels_query_${tag}`;
const QUERY = `SELECT user_id, event_timestamp, label FROM ${LABELS_TABLE}${args.where ? ` WHERE ${args.where}` : ''}`;
const FEATURES = 'account.*,stats.*';

/** The labels CSV of bench/generate.js in a table with a native timestamp, loaded once. */
async function ensureLabelsTable() {
  const client = new pg.Client(PG_URL);
  await client.connect();
  try {
    const exists = await client.query('SELECT to_regclass($1) AS t', [LABELS_TABLE]);
    if (exists.rows[0].t !== null) {
      const { rows } = await client.query(`SELECT count(*)::int AS n FROM ${LABELS_TABLE}`);
      if (rows[0].n === sizes(scale).labels) return;
    }
    await client.query(`DROP TABLE IF EXISTS ${LABELS_TABLE}`);
    await client.query(`CREATE TABLE ${LABELS_TABLE} (user_id bigint NOT NULL, event_timestamp timestamptz NOT NULL, label int NOT NULL)`);
  } finally {
    await client.end();
  }
  await run('psql', [PG_URL, '-q', '-c', `\\copy ${LABELS_TABLE} FROM '${labelsFile(scale)}' CSV HEADER`]);
  console.error(`loaded ${LABELS_TABLE}`);
}

function run(cmd, argv) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, argv, { stdio: ['ignore', 'inherit', 'inherit'] });
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`${cmd} exited ${code}`))));
  });
}

/** Runs one command under `/usr/bin/time -v`: wall seconds and peak RSS in MB, or a timeout. */
function measure(cmd, argv) {
  const timeFile = join(OUT, 'time.txt');
  rmSync(timeFile, { force: true });
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn('/usr/bin/time', ['-v', '-o', timeFile, cmd, ...argv], { cwd: APP, detached: true, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    let timedOut = false;
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => {
      timedOut = true;
      try {
        process.kill(-child.pid, 'SIGKILL'); // the group this script started: time and its child
      } catch {}
    }, Number(args.timeout) * 1000);
    child.on('close', (code) => {
      clearTimeout(timer);
      const wall = (performance.now() - t0) / 1000;
      if (timedOut) return resolve({ timeout: true, wall });
      if (code !== 0) return reject(new Error(`${cmd} ${argv.join(' ')} exited ${code}\n${stderr.slice(-2000)}`));
      const kb = Number(/Maximum resident set size \(kbytes\): (\d+)/.exec(readFileSync(timeFile, 'utf8'))[1]);
      resolve({ wall, rssMB: kb / 1024 });
    });
  });
}

async function md5(file) {
  const h = createHash('md5');
  for await (const chunk of createReadStream(file)) h.update(chunk);
  return h.digest('hex');
}

async function lines(file) {
  let n = 0;
  for await (const chunk of createReadStream(file)) for (let i = 0; i < chunk.length; i++) if (chunk[i] === 10) n++;
  return n;
}

function writeMetadata() {
  const groups = Object.entries(GROUPS).map(([name, g]) =>
    [
      `  - name: ${name}`,
      '    entity: user',
      `    table: ${SCHEMA}.${tableName(name, scale, false)}`,
      `    event_time: ${g.event}`,
      ...(g.created ? [`    created_time: ${g.created}`] : []),
      ...(g.ttl ? [`    ttl: ${g.ttl}`] : []),
      '    features:',
      ...g.features.map((f, i) => `      - { name: ${f}, type: ${g.types[i]} }`),
    ].join('\n'),
  );
  const file = join(OUT, `metadata-${tag}.yml`);
  writeFileSync(file, `version: 1\nconnection: ${PG_URL}\nentities:\n  - { name: user, key: user_id, type: int }\ngroups:\n${groups.join('\n')}\n`);
  return file;
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

mkdirSync(OUT, { recursive: true });
await ensureData(scale, ['postgres']);
await ensureLabelsTable();
// The CLI runs from a private copy of bin/ + dist/, so a build meanwhile cannot break a run.
rmSync(APP, { recursive: true, force: true });
for (const f of ['bin', 'dist', 'package.json', 'oclif.manifest.json', 'metadata.schema.json']) if (existsSync(join(ROOT, f))) cpSync(join(ROOT, f), join(APP, f), { recursive: true });
symlinkSync(join(ROOT, 'node_modules'), join(APP, 'node_modules'));
const md = writeMetadata();
const node = process.execPath;
const cli = join(APP, 'bin', 'run.js');
const out = (name) => join(OUT, `${name}.csv`);
const exported = join(OUT, 'labels-export.csv');
const joinArgs = (...more) => [cli, 'join', '-m', md, '--feature', FEATURES, '--quiet', ...more];

const STEPS = [
  ['query_database', () => measure(node, joinArgs('--input-query', QUERY, '--strategy', 'database', '--output', out('query_database')))],
  ['query_merge', () => measure(node, joinArgs('--input-query', QUERY, '--strategy', 'merge', '--output', out('query_merge')))],
  ['csv_export', () => measure('psql', [PG_URL, '-q', '-c', `\\copy (${QUERY}) TO '${exported}' CSV HEADER`])],
  ['file_merge', () => measure(node, joinArgs('--input-file', exported, '--strategy', 'merge', '--output', out('file_merge')))],
];

const rounds = [];
let labelCount = 0;
for (let r = 0; r < Number(args.repeat); r++) {
  const round = {};
  for (const [name, step] of STEPS) {
    round[name] = await step();
    const m = round[name];
    console.error(`round ${r + 1} ${name}: ${m.timeout ? 'timeout' : `${m.wall.toFixed(1)} s, ${m.rssMB.toFixed(0)} MB`} (load ${loadavg()[0].toFixed(1)})`);
  }
  if (!round.query_database.timeout) {
    const [a, b] = [await md5(out('query_database')), await md5(out('query_merge'))];
    if (a !== b) throw new Error('the two strategies wrote different files');
  }
  const rows = await lines(out('file_merge'));
  if (rows !== (await lines(exported))) throw new Error(`file join wrote ${rows - 1} rows for ${(await lines(exported)) - 1} labels`);
  labelCount = rows - 1;
  rounds.push(round);
}

const summary = (name) => {
  const ok = rounds.map((r) => r[name]).filter((m) => !m.timeout);
  return ok.length === 0 ? { timeout: true } : { wall: median(ok.map((m) => m.wall)), rssMB: median(ok.map((m) => m.rssMB)), runs: ok.map((m) => +m.wall.toFixed(1)) };
};
const result = {
  date: new Date().toISOString().slice(0, 10),
  scale,
  labels: labelCount,
  query: QUERY,
  rows_per_group: sizes(scale).rows,
  cpus: cpus().length,
  rounds: rounds.length,
  query_database: summary('query_database'),
  query_merge: summary('query_merge'),
  csv_export: summary('csv_export'),
  file_merge: summary('file_merge'),
  // The file workflow: export then join, per round (time adds up; peak is the larger of the two).
  export_then_file: {
    wall: median(rounds.map((r) => r.csv_export.wall + r.file_merge.wall)),
    rssMB: median(rounds.map((r) => Math.max(r.csv_export.rssMB, r.file_merge.rssMB))),
  },
};
writeFileSync(join(BENCH_DIR, `labels-query${args.where ? '-where' : ''}.json`), JSON.stringify(result, null, 2) + '\n');
console.log(JSON.stringify(result, null, 2));
