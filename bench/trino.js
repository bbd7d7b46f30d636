#!/usr/bin/env node
// Trino benchmark (issue 12): `join --input-query` with the database strategy on the
// two-node test cluster (`npm run trino:start`), against the best hand-written
// point-in-time query run on the same cluster, and where the work ran, from Trino's own
// query statistics.
//
//   node bench/trino.js [--labels 1000000] [--rows 1000000] [--keys 250000] [--repeat 3] [--base DIR]
//
// --base DIR also runs another build's spellbook (DIR/bin/run.js, e.g. main's) in every
// round, in turn with this one, so a change is measured against its base under the same load.
//
// Data lives in the memory catalog (on the worker): account(user_id, updated_at, balance)
// and activity(user_id, seen_at, clicks), `--rows` each, and labels(label_id, user_id,
// event_timestamp, label), `--labels` rows, all over `--keys` users, generated inside
// Trino (nothing crosses the network to build it). Setup runs as a writing user; the
// measured runs as the SELECT-only spellbook_reader.
//
// Measured (medians of --repeat runs, wall clock from the client's side):
// - spellbook: `join --input-query 'SELECT * FROM labels' --strategy database` writing CSV,
//   under /usr/bin/time for its peak RSS;
// - hand-written: max_by() per group over the labels ⋈ features join, LEFT JOINed back to
//   the labels and ordered as spellbook orders, its rows read to the end by trino-client
//   (no file written: the floor for any client).
// Beside them: each round's ratio, each client's CPU (user + system), and for the last
// run of each statement the cluster's CPU per node from Trino's query statistics.
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Trino } from 'trino-client';

const APP = join(dirname(fileURLToPath(import.meta.url)), '..');
const OUT = join(APP, 'bench', 'out');
const SERVER = process.env.SPELLBOOK_TEST_TRINO ?? 'http://127.0.0.1:8080';
const SCHEMA = 'spellbook_bench';
const { values: args } = parseArgs({
  options: {
    labels: { type: 'string', default: '1000000' },
    rows: { type: 'string', default: '1000000' },
    keys: { type: 'string', default: '250000' },
    repeat: { type: 'string', default: '3' },
    base: { type: 'string' },
  },
});
const LABELS = Number(args.labels);
/**
 * Tags this run's spellbook statements: its labels query carries it as a comment, which
 * spellbook embeds as written, so the cluster's query list tells them from any other
 * client's (tests share the cluster and the reader user).
 */
const RUN_TAG = `spellbook-bench ${process.pid}-${Date.now()}`;
/** The builds measured: this one, and --base's; each tags its labels query with its own name. */
const BUILDS = [{ name: 'spellbook', app: APP }, ...(args.base ? [{ name: 'base', app: args.base }] : [])].map((b) => ({
  ...b,
  tag: `${RUN_TAG} ${b.name}`,
}));
const ROWS = Number(args.rows);
const KEYS = Number(args.keys);

/** Runs one statement as `user`; returns its rows, its id and the number of rows read. */
async function run(sql, user, { keep = true } = {}) {
  const client = Trino.create({ server: SERVER, catalog: 'memory', schema: SCHEMA, source: 'spellbook-bench' });
  const pages = await client.query({ query: sql, user, extraHeaders: { 'X-Trino-Time-Zone': 'UTC' } });
  const rows = [];
  let id;
  let count = 0;
  for await (const page of pages) {
    id ??= page.id;
    if (page.error) throw new Error(`${page.error.errorName}: ${page.error.message}`);
    count += page.data?.length ?? 0;
    if (keep && page.data) rows.push(...page.data);
  }
  return { rows, id, count };
}

const admin = (sql) => run(sql, 'spellbook_bench_admin');

/** n rows 0..n-1 as a relation `i`, from two sequences (Trino's sequence() stops at 10,000 entries). */
const numbers = (n) =>
  `(SELECT a * 1000 + b AS i FROM UNNEST(sequence(0, ${Math.ceil(n / 1000) - 1})) AS x(a) CROSS JOIN UNNEST(sequence(0, 999)) AS y(b) WHERE a * 1000 + b < ${n})`;

async function setup() {
  const have = await admin(`SELECT table_name FROM memory.information_schema.tables WHERE table_schema = '${SCHEMA}'`).catch(() => ({ rows: [] }));
  if (have.rows.length === 3) {
    const [[a], [l]] = [(await admin('SELECT count(*) FROM account')).rows[0], (await admin('SELECT count(*) FROM labels')).rows[0]];
    if (a === ROWS && l === LABELS) return console.error(`trino bench: reusing memory.${SCHEMA}`);
  }
  console.error(`trino bench: generating ${LABELS.toLocaleString('en-US')} labels and 2 × ${ROWS.toLocaleString('en-US')} rows over ${KEYS.toLocaleString('en-US')} keys in memory.${SCHEMA}`);
  await admin(`CREATE SCHEMA IF NOT EXISTS memory.${SCHEMA}`);
  for (const t of ['account', 'activity', 'labels']) await admin(`DROP TABLE IF EXISTS ${t}`);
  // Times spread over 2024 by a multiplicative hash of the row number: deterministic, unordered.
  const time = (salt) => `TIMESTAMP '2024-01-01 00:00:00' + (((i * ${salt}) % 31536000) * INTERVAL '1' SECOND)`;
  await admin(`CREATE TABLE account AS SELECT i % ${KEYS} AS user_id, ${time(7919)} AS updated_at, CAST(i % 1000 AS double) / 10 AS balance FROM ${numbers(ROWS)}`);
  await admin(`CREATE TABLE activity AS SELECT (i * 7) % ${KEYS} AS user_id, ${time(104729)} AS seen_at, CAST(i % 97 AS bigint) AS clicks FROM ${numbers(ROWS)}`);
  await admin(`CREATE TABLE labels AS SELECT i AS label_id, (i * 13) % ${KEYS} AS user_id, ${time(15485863)} AS event_timestamp, i % 2 AS label FROM ${numbers(LABELS)}`);
}

const METADATA = `version: 1
connection: trino://spellbook_reader@${new URL(SERVER).host}/memory/${SCHEMA}
entities:
  - name: user
    key: user_id
    type: int
groups:
  - name: account
    entity: user
    event_time: updated_at
    features:
      - name: balance
        type: float
  - name: activity
    entity: user
    event_time: seen_at
    features:
      - name: clicks
        type: int
`;

const HAND_WRITTEN = `
SELECT l.label_id, l.user_id, l.event_timestamp, l.label, a.balance, b.clicks
FROM labels l
LEFT JOIN (SELECT l.label_id, max_by(f.balance, f.updated_at) AS balance
             FROM labels l JOIN account f ON f.user_id = l.user_id AND f.updated_at <= l.event_timestamp
            GROUP BY l.label_id) a ON a.label_id = l.label_id
LEFT JOIN (SELECT l.label_id, max_by(f.clicks, f.seen_at) AS clicks
             FROM labels l JOIN activity f ON f.user_id = l.user_id AND f.seen_at <= l.event_timestamp
            GROUP BY l.label_id) b ON b.label_id = l.label_id
ORDER BY l.event_timestamp, l.user_id, l.label_id`;

/** Runs a command under GNU time; resolves {wall, rssMB, cpu} (cpu: the process's user + system seconds). */
function timed(argv, cwd = APP) {
  const timeFile = join(OUT, `trino-time-${process.pid}.txt`);
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn('/usr/bin/time', ['-f', '%M %U %S', '-o', timeFile, ...argv], { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => {
      const wall = (performance.now() - t0) / 1000;
      if (code !== 0) return reject(new Error(`${argv.join(' ')} exited ${code}\n${stderr.slice(-2000)}`));
      const [rssKiB, user, system] = readFileSync(timeFile, 'utf8').trim().split('\n').pop().split(' ').map(Number);
      resolve({ wall, rssMB: rssKiB / 1024, cpu: user + system });
    });
  });
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const seconds = (d) => {
  const m = /^([\d.]+)(ns|us|ms|s|m|h|d)$/.exec(d ?? '');
  return m ? Number(m[1]) * { ns: 1e-9, us: 1e-6, ms: 1e-3, s: 1, m: 60, h: 3600, d: 86400 }[m[2]] : 0;
};

/** CPU seconds per node of a finished query, from the coordinator's query info. */
async function cpuByNode(id) {
  const info = await (await fetch(`${SERVER}/v1/query/${id}`, { headers: { 'X-Trino-User': 'spellbook_reader' } })).json();
  const byNode = {};
  const visit = (stage) => {
    if (!stage) return;
    for (const task of stage.tasks ?? []) {
      const node = task.taskStatus?.nodeId ?? '?';
      byNode[node] = (byNode[node] ?? 0) + seconds(task.stats?.totalCpuTime);
    }
    for (const sub of stage.subStages ?? []) visit(sub);
  };
  visit(info.outputStage);
  return { byNode, totalCpu: seconds(info.queryStats?.totalCpuTime), physicalInputRows: info.queryStats?.physicalInputPositions, outputRows: info.queryStats?.outputPositions };
}

/** The latest finished join statement tagged `tag` whose output is the join's `lines` rows, with where its CPU went. */
async function joinStatement(tag, lines) {
  const recent = await (await fetch(`${SERVER}/v1/query`, { headers: { 'X-Trino-User': 'spellbook_reader' } })).json();
  const candidates = recent
    .filter((q) => q.session?.source === 'spellbook' && q.query?.includes(tag) && /__labels/.test(q.query) && q.state === 'FINISHED')
    .sort((a, b) => Date.parse(b.queryStats?.endTime ?? 0) - Date.parse(a.queryStats?.endTime ?? 0));
  for (const q of candidates) {
    const stats = await cpuByNode(q.queryId);
    if (stats.outputRows === lines) return { id: q.queryId, ...stats };
  }
  console.error(`trino bench: no finished join statement tagged ${tag} with ${lines} output rows in the cluster's query list; no query statistics`);
  return undefined;
}

async function main() {
  mkdirSync(OUT, { recursive: true });
  await setup();
  const md = join(OUT, 'trino-metadata.yml');
  writeFileSync(md, METADATA);
  const outOf = (b) => join(OUT, `trino-join-${b.name}.csv`);
  const repeat = Number(args.repeat);
  const runs = new Map(BUILDS.map((b) => [b.name, []]));
  const hand = [];
  for (let r = 0; r < repeat; r++) {
    // Side by side in each round, so the machine's load hits all alike; with --base the
    // two builds take turns at going first.
    const order = r % 2 === 0 ? BUILDS : [...BUILDS].reverse();
    for (const b of order) {
      const argv = [process.execPath, 'bin/run.js', 'join', '-m', md, '--input-query', `SELECT * FROM labels /* ${b.tag} */`];
      argv.push('-f', 'account.balance,activity.clicks', '--strategy', 'database', '--output', outOf(b), '--quiet');
      runs.get(b.name).push(await timed(argv, b.app));
    }
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    const h = await run(HAND_WRITTEN, 'spellbook_reader', { keep: false });
    const c = process.cpuUsage(c0);
    hand.push({ wall: (performance.now() - t0) / 1000, rows: h.count, id: h.id, cpu: (c.user + c.system) / 1e6 });
    const each = BUILDS.map((b) => `${b.name} ${runs.get(b.name).at(-1).wall.toFixed(1)} s (${runs.get(b.name).at(-1).rssMB.toFixed(0)} MB)`);
    console.error(`  round ${r + 1}: ${each.join(', ')}, hand-written ${hand.at(-1).wall.toFixed(1)} s`);
  }
  const out = outOf(BUILDS[0]);
  const lines = readFileSync(out, 'utf8').split('\n').length - 2;
  if (BUILDS.length > 1 && !readFileSync(out).equals(readFileSync(outOf(BUILDS[1])))) console.error('trino bench: the two builds wrote different files');
  const result = {
    labels: LABELS,
    rowsPerGroup: ROWS,
    keys: KEYS,
    outputRows: lines,
    handWrittenRows: hand.at(-1).rows,
    handWritten: { wall: median(hand.map((x) => x.wall)), walls: hand.map((x) => Number(x.wall.toFixed(2))), clientCpu: Number(median(hand.map((x) => x.cpu)).toFixed(2)) },
    handWrittenQuery: { id: hand.at(-1).id, ...(await cpuByNode(hand.at(-1).id)) },
  };
  for (const b of BUILDS) {
    const xs = runs.get(b.name);
    result[b.name] = {
      app: b.app,
      wall: median(xs.map((x) => x.wall)),
      walls: xs.map((x) => Number(x.wall.toFixed(2))),
      peakRssMB: Math.max(...xs.map((x) => x.rssMB)),
      clientCpu: median(xs.map((x) => x.cpu)),
      clientCpus: xs.map((x) => Number(x.cpu.toFixed(2))),
      ratios: xs.map((x, r) => Number((x.wall / hand[r].wall).toFixed(2))),
      ratio: median(xs.map((x, r) => x.wall / hand[r].wall)),
      joinQuery: await joinStatement(b.tag, lines),
    };
  }
  // As before --base: the first build's figures at the top level too.
  Object.assign(result, { ratios: result.spellbook.ratios, ratio: result.spellbook.wall / result.handWritten.wall, joinQuery: result.spellbook.joinQuery });
  console.log(JSON.stringify(result, null, 2));
  for (const b of BUILDS) rmSync(outOf(b), { force: true });
}

await main();
