// Benchmark of `spellbook join` and `export` against two baselines on the same engine,
// measured in the same run (see docs/benchmarks.md for the numbers and how to read them).
//
//   npm run bench -- [--engines sqlite,postgres,mysql] [--scale 1] [--index both|yes|no]
//                    [--repeat 3] [--db-timeout 120] [--no-docs] [--only join_merge,pandas]
//
// Every measurement is a child process run under GNU time: wall time is taken here,
// peak RSS (VmHWM) is `/usr/bin/time -f %M`. Measured per engine and index variant:
//   join (merge)     node bin/run.js join --strategy merge, all features of both groups
//   join (database)  the same with --strategy database (capped by --db-timeout)
//   pandas           bench/pandas_join.py: read_sql + read_csv + merge_asof, the same join
//                    (skipped, with the reason printed, where no Python has pandas)
//   export           node bin/run.js export, all features of both groups at SNAPSHOT
//   floor            bare scan of the same columns of both tables, same driver (bench/scan.js)
//   hand-written     the fastest "latest row per key" SQL we could write for the engine,
//                    same snapshot and ttl, ordered by key, written to a CSV file
// The machine is shared: each round runs every measurement once, in the same order, and
// the tables show medians over --repeat rounds; ratios are medians of per-round ratios.
// The merge's output is compared row for row with the database join's and pandas'.
// Results are merged into bench/results.json (one entry per engine/scale/index), from
// which the "## export and join" section of docs/benchmarks.md is rendered; --no-docs
// prints them and writes neither. A partial rerun (--only) keeps the other measurements,
// each named with the revision and time it was measured at.
import { spawn, execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, symlinkSync, createReadStream, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import {
  BENCH_DIR, GROUPS, MYSQL, PG_URL, SCHEMA, ensureData, labelsFile, scaleTag, sizes, sqliteFile, tableName,
} from './generate.js';

const ROOT = join(BENCH_DIR, '..');
const OUT = join(BENCH_DIR, 'out');
// The CLI runs from a private copy of bin/ + dist/ taken at start, so a concurrent
// `npm run build` (which empties dist/) in the shared tree cannot break a long run.
const APP = join(OUT, 'app');
const RESULTS = join(BENCH_DIR, 'results.json');
const DOC = join(ROOT, 'docs', 'benchmarks.md');
const SNAPSHOT = '2024-10-01T00:00:00Z';
const SNAPSHOT_MS = Date.parse(SNAPSHOT);
const TTL_MS = 30 * 86_400_000; // stats ttl
const FEATURES = 'account.*,stats.*';
/** Runs of each start-up measurement a round, after one not counted (see `startup`). */
const STARTUP_RUNS = 5;

const { values: args } = parseArgs({
  options: {
    engines: { type: 'string', default: 'sqlite,postgres,mysql' },
    scale: { type: 'string', default: '1' },
    index: { type: 'string', default: 'both' },
    repeat: { type: 'string', default: '3' }, // rounds; medians over them
    'db-timeout': { type: 'string', default: '120' },
    'db-max-labels': { type: 'string', default: '1000000' },
    // Without an index the database join re-scans the table per chunk of labels: it timed
    // out at 100,000 labels on SQLite, so larger label sets are not attempted.
    'db-noindex-max-labels': { type: 'string', default: '100000' },
    'no-docs': { type: 'boolean', default: false },
    only: { type: 'string' },
    'docs-only': { type: 'boolean', default: false }, // re-render docs from bench/results.json // comma list of measurement names, for quick reruns
  },
});
const scale = Number(args.scale);
const engines = args.engines.split(',');
const variants = args.index === 'both' ? [false, true] : [args.index === 'yes'];
const repeat = Number(args.repeat);
const only = args.only ? new Set(args.only.split(',')) : undefined;

// ------------------------------------------------------------------ running children

/** Runs a command under GNU time; resolves {wall s, rssMB, stdout} or {timeout}. */
function measure(cmd, argv, { timeoutS } = {}) {
  mkdirSync(OUT, { recursive: true });
  const timeFile = join(OUT, `time-${process.pid}.txt`);
  rmSync(timeFile, { force: true });
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn('/usr/bin/time', ['-f', '%M', '-o', timeFile, cmd, ...argv], { cwd: APP, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '', stderr = '', timedOut = false;
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = timeoutS
      ? setTimeout(() => {
          timedOut = true;
          try {
            process.kill(-child.pid, 'SIGKILL'); // the group we started: time and its node child
          } catch {}
        }, timeoutS * 1000)
      : undefined;
    child.on('close', (code) => {
      clearTimeout(timer);
      const wall = (performance.now() - t0) / 1000;
      if (timedOut) return resolve({ timeout: true, wall });
      if (code !== 0) return reject(new Error(`${cmd} ${argv.join(' ')} exited ${code}\n${stderr.slice(-2000)}`));
      const kb = Number(readFileSync(timeFile, 'utf8').trim().split('\n').pop());
      resolve({ wall, rssMB: kb / 1024, stdout });
    });
  });
}

async function countLines(file) {
  let n = 0;
  for await (const chunk of createReadStream(file)) for (let i = 0; i < chunk.length; i++) if (chunk[i] === 10) n++;
  return n;
}

async function md5(file) {
  const h = createHash('md5');
  for await (const chunk of createReadStream(file)) h.update(chunk);
  return h.digest('hex');
}

// ------------------------------------------------------------------ per-engine setup

function connectionYaml(engine, indexed) {
  if (engine === 'sqlite') return `connection:\n  client: better-sqlite3\n  connection:\n    filename: ${sqliteFile(scale, indexed)}\n`;
  if (engine === 'postgres') return `connection: ${PG_URL}\n`;
  return `connection: mysql://${MYSQL.user}@${MYSQL.host}:${MYSQL.port}/${SCHEMA}\n`;
}

/** The table of a group as the engine names it (SQLite files hold plain names). */
function table(engine, group, indexed) {
  if (engine === 'sqlite') return group;
  const t = tableName(group, scale, indexed);
  return engine === 'postgres' ? `${SCHEMA}.${t}` : t;
}

function writeMetadata(engine, indexed) {
  const file = join(OUT, `metadata-${engine}-${scaleTag(scale)}${indexed ? '-ix' : ''}.yml`);
  const groups = Object.entries(GROUPS).map(([name, g]) =>
    [
      `  - name: ${name}`,
      `    entity: user`,
      `    table: ${table(engine, name, indexed)}`,
      `    event_time: ${g.event}`,
      ...(g.created ? [`    created_time: ${g.created}`] : []),
      ...(g.ttl ? [`    ttl: ${g.ttl}`] : []),
      `    features:`,
      ...g.features.map((f, i) => `      - { name: ${f}, type: ${g.types[i]} }`),
    ].join('\n'),
  );
  writeFileSync(
    file,
    `version: 1\n${connectionYaml(engine, indexed)}entities:\n  - { name: user, key: user_id, type: int }\ngroups:\n${groups.join('\n')}\n`,
  );
  return file;
}

function scanSpec(engine, indexed, queries) {
  const base = { engine, queries };
  if (engine === 'sqlite') return { ...base, file: sqliteFile(scale, indexed) };
  if (engine === 'postgres') return { ...base, url: PG_URL };
  return { ...base, connection: { ...MYSQL, database: SCHEMA } };
}

function cols(group) {
  const g = GROUPS[group];
  return ['user_id', g.event, ...(g.created ? [g.created] : []), ...g.features];
}

/** Bare scan: the same columns spellbook's merge reads, every row, no filter, no conversion. */
function floorQueries(engine, indexed) {
  return Object.keys(GROUPS).map((g) => ({ sql: `SELECT ${cols(g).join(', ')} FROM ${table(engine, g, indexed)}`, params: [] }));
}

/** Snapshot bounds in the engine's own literal form, so the comparison is native (index-friendly). */
function bound(engine, ms) {
  const iso = new Date(ms).toISOString();
  return engine === 'sqlite' ? iso : iso.slice(0, 23).replace('T', ' ');
}

/**
 * Candidate hand-written "latest row per key" statements per engine, each a pair (one per
 * group), same visibility as spellbook (event <= snapshot; stats also >= snapshot - 30d;
 * ties on event broken by created time) and ordered by key as export's output is.
 */
function handWritten(engine, indexed) {
  const at = bound(engine, SNAPSHOT_MS);
  const from = bound(engine, SNAPSHOT_MS - TTL_MS);
  const ph = (i) => (engine === 'postgres' ? `$${i}` : '?');
  const where = (g) => (GROUPS[g].ttl ? `${GROUPS[g].event} <= ${ph(1)} AND ${GROUPS[g].event} >= ${ph(2)}` : `${GROUPS[g].event} <= ${ph(1)}`);
  const params = (g) => (GROUPS[g].ttl ? [at, from] : [at]);
  const order = (g) => `${GROUPS[g].event} DESC${GROUPS[g].created ? `, ${GROUPS[g].created} DESC` : ''}`;
  const window = (g) => ({
    sql: `SELECT * FROM (SELECT ${cols(g).join(', ')}, ROW_NUMBER() OVER (PARTITION BY user_id ORDER BY ${order(g)}) AS rn FROM ${table(engine, g, indexed)} WHERE ${where(g)}) w WHERE rn = 1 ORDER BY user_id`,
    params: params(g),
  });
  const names = Object.keys(GROUPS);
  const candidates = { window: names.map(window) };
  if (engine === 'sqlite') {
    // SQLite's bare-column rule: with max(), the other columns come from the max row.
    // Fixed-width ISO text, so event||created orders as (event, created).
    candidates['group-by max()'] = names.map((g) => ({
      sql: `SELECT user_id, max(${GROUPS[g].created ? `${GROUPS[g].event} || ${GROUPS[g].created}` : GROUPS[g].event}) AS m, ${GROUPS[g].features.join(', ')} FROM ${table(engine, g, indexed)} WHERE ${where(g)} GROUP BY user_id ORDER BY user_id`,
      params: params(g),
    }));
  }
  if (engine === 'postgres') {
    candidates['DISTINCT ON'] = names.map((g) => ({
      sql: `SELECT DISTINCT ON (user_id) ${cols(g).join(', ')} FROM ${table(engine, g, indexed)} WHERE ${where(g)} ORDER BY user_id, ${order(g).replace(/DESC$/, 'DESC NULLS LAST')}`,
      params: params(g),
    }));
  }
  if (engine === 'mysql') {
    // Join back to MAX(event) per key (ties on event time would give two rows; the
    // generator's millisecond times make them vanishingly rare).
    candidates['group-by join'] = names.map((g) => {
      const e = GROUPS[g].event, t = table(engine, g, indexed);
      return {
        sql: `SELECT ${cols(g).map((c) => `a.${c}`).join(', ')} FROM ${t} a JOIN (SELECT user_id, MAX(${e}) AS m FROM ${t} WHERE ${where(g)} GROUP BY user_id) x ON a.user_id = x.user_id AND a.${e} = x.m ORDER BY a.user_id`,
        params: params(g),
      };
    });
  }
  return candidates;
}

// ------------------------------------------------------------------ one engine × variant

const fmtS = (s) => (s >= 100 ? s.toFixed(0) : s >= 10 ? s.toFixed(1) : s.toFixed(2));

/** The middle value (mean of the two middle ones for an even count). */
function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/**
 * The Python that has pandas and the engine's driver module, or a reason why none does.
 * BENCH_PYTHON wins; Debian's /usr/bin/python3 is tried before a `python3` on PATH (a
 * pyenv shim there does not see Debian's packages).
 */
function findPython(engine) {
  const module = { sqlite: 'sqlite3', postgres: 'psycopg2', mysql: 'pymysql' }[engine];
  const candidates = process.env.BENCH_PYTHON ? [process.env.BENCH_PYTHON] : ['/usr/bin/python3', 'python3'];
  for (const py of candidates) {
    try {
      execFileSync(py, ['-c', `import pandas, ${module}`], { stdio: 'ignore' });
      return { python: py };
    } catch {}
  }
  return { reason: `skipped: no Python with pandas and ${module} (apt-get install -y python3-pandas python3-psycopg2 python3-pymysql, or set BENCH_PYTHON)` };
}

function pandasSpec(engine, indexed) {
  const groups = Object.entries(GROUPS).map(([name, g]) => ({
    table: table(engine, name, indexed),
    event: g.event,
    created: g.created,
    features: g.features,
    types: g.types,
    ttl_days: g.ttl ? Number(g.ttl.replace(/d$/, '')) : undefined,
  }));
  return { ...scanSpec(engine, indexed, []), labels: labelsFile(scale), groups };
}

/** Two CSV files hold the same rows when every field is the same text or the same number (pandas writes 6582.0 for 6582). */
async function rowsThatDiffer(fileA, fileB) {
  const { createInterface } = await import('node:readline');
  const a = createInterface({ input: createReadStream(fileA), crlfDelay: Infinity })[Symbol.asyncIterator]();
  const b = createInterface({ input: createReadStream(fileB), crlfDelay: Infinity })[Symbol.asyncIterator]();
  let differ = 0, first;
  for (let line = 1; ; line++) {
    const [x, y] = await Promise.all([a.next(), b.next()]);
    if (x.done && y.done) break;
    if (x.done || y.done) {
      differ++;
      first ??= line;
      continue;
    }
    if (x.value === y.value) continue;
    const fx = x.value.split(','), fy = y.value.split(',');
    const same = fx.length === fy.length && fx.every((v, i) => v === fy[i] || (v !== '' && fy[i] !== '' && Number(v) === Number(fy[i])));
    if (!same) {
      differ++;
      first ??= line;
    }
  }
  return { differ, first };
}

async function benchVariant(engine, indexed) {
  const meta = writeMetadata(engine, indexed);
  const labels = labelsFile(scale);
  const { labels: nLabels } = sizes(scale);
  const tag = `${engine}-${scaleTag(scale)}${indexed ? '-ix' : ''}`;
  const res = { engine, scale, indexed, revision, at: new Date().toISOString().slice(0, 16), loadAvg: loadavg()[0], labels: nLabels, rowsPerGroup: sizes(scale).rows, rounds: repeat, measured: {}, ratios: {}, compared: {} };
  const want = (name) => !only || only.has(name);
  const log = (name, r) => console.error(`  ${tag} ${name}: ${r.skipped ?? (r.timeout ? `timeout` : `${fmtS(r.wall)} s, ${r.rssMB.toFixed(0)} MB, ${r.rows} rows`)}`);
  const outFile = (name) => join(OUT, `${name}-${tag}.csv`);
  const cli = (...a) => measure('node', ['bin/run.js', ...a]);

  // Each measurement: a name, a run() giving {wall, rssMB, rows}, or a reason it is skipped.
  const steps = [];
  const step = (name, run, skipped) => want(name) && steps.push({ name, run, skipped });

  // Start-up as issue 14 words its target (`--help` and `get meta`, <= 0.2 s), and what
  // every CLI row pays before any data moves: Node + oclif + plan, no database work.
  // A tenth of a second is within the noise of one run on a shared machine (the run after
  // a join's or pandas' exit paid 0.05-0.15 s more), so each round takes the median of
  // STARTUP_RUNS runs, after one run not counted: the first run after a build compiles the
  // CLI and writes V8's code cache, which every later run reads (src/cli/code-cache.ts).
  const medianRun = async (run) => {
    await run();
    const runs = [];
    for (let i = 0; i < STARTUP_RUNS; i++) runs.push(await run());
    const walls = runs.map((r) => r.wall).sort((x, y) => x - y);
    return { wall: walls[walls.length >> 1], rssMB: Math.max(...runs.map((r) => r.rssMB)), rows: 0 };
  };
  const startup = (...a) => medianRun(() => cli(...a));
  // Node alone, measured alike: the part of a start-up no change to spellbook can remove,
  // which differs more than twofold between this project's machines (0.06-0.15 s).
  step('startup_node', () => medianRun(() => measure('node', ['-e', '0'])));
  step('startup_help', () => startup('--help'));
  step('startup_meta', () => startup('get', 'meta', 'all', '-m', meta));
  step('startup', () => startup('export', '-m', meta, '--feature', FEATURES, '--snapshot-date', SNAPSHOT, '--dry-run'));
  step('floor', async () => {
    const r = await measure('node', [join(BENCH_DIR, 'scan.js'), JSON.stringify(scanSpec(engine, indexed, floorQueries(engine, indexed)))]);
    return { ...r, rows: JSON.parse(r.stdout).rows };
  });
  for (const strategy of ['merge', 'database']) {
    let skipped;
    if (strategy === 'database' && nLabels > Number(args['db-max-labels'])) skipped = `skipped: ${nLabels} labels > --db-max-labels ${args['db-max-labels']} (see scale 1)`;
    else if (strategy === 'database' && !indexed && nLabels > Number(args['db-noindex-max-labels'])) skipped = `skipped: no index and ${nLabels} labels > --db-noindex-max-labels ${args['db-noindex-max-labels']} (without an index each label's lookup scans the table)`;
    step(`join_${strategy}`, async () => {
      const out = outFile(`join-${strategy}`);
      rmSync(out, { force: true });
      const r = await measure('node', ['bin/run.js', 'join', '-m', meta, '--feature', FEATURES, '--input-file', labels, '--strategy', strategy, '--output', out, '--quiet'], {
        timeoutS: strategy === 'database' ? Number(args['db-timeout']) : undefined,
      });
      if (r.timeout) return { skipped: `timeout: killed after ${args['db-timeout']} s (--db-timeout)` };
      return { ...r, rows: (await countLines(out)) - 1, out };
    }, skipped);
  }
  const py = findPython(engine);
  step('pandas', async () => {
    const out = outFile('join-pandas');
    rmSync(out, { force: true });
    const r = await measure(py.python, [join(BENCH_DIR, 'pandas_join.py'), JSON.stringify(pandasSpec(engine, indexed)), out]);
    return { ...r, rows: (await countLines(out)) - 1, out };
  }, py.reason);
  step('export', async () => {
    const out = outFile('export');
    const r = await cli('export', '-m', meta, '--feature', FEATURES, '--snapshot-date', SNAPSHOT, '--output', out, '--quiet');
    return { ...r, rows: (await countLines(out)) - 1 };
  });
  // The fastest hand-written statement, writing the same CSV as export (a fair comparison
  // includes the output); all candidates run in the first round, the fastest after that.
  let handCandidates = Object.entries(handWritten(engine, indexed));
  res.handCandidates = {};
  step('hand', async () => {
    let fastest;
    for (const [label, queries] of handCandidates) {
      const out = outFile('hand');
      const r = await measure('node', [join(BENCH_DIR, 'scan.js'), JSON.stringify({ ...scanSpec(engine, indexed, queries), out })]);
      const m = { ...r, rows: JSON.parse(r.stdout).rows, query: label };
      res.handCandidates[label] = Math.min(res.handCandidates[label] ?? Infinity, m.wall);
      if (!fastest || m.wall < fastest.wall) fastest = m;
    }
    handCandidates = handCandidates.filter(([label]) => label === fastest.query);
    return fastest;
  });

  // Rounds: every measurement once per round, in the same order (A B A B …), so load
  // from other users of the machine falls on all of them alike; medians over rounds.
  const samples = Object.fromEntries(steps.map((s) => [s.name, []]));
  for (let round = 0; round < repeat; round++) {
    for (const s of steps) {
      if (s.skipped || samples[s.name].skipped) continue;
      const r = await s.run();
      if (r.skipped) samples[s.name].skipped = r.skipped;
      else samples[s.name].push(r);
      log(`${s.name} (round ${round + 1}/${repeat})`, r.skipped ? r : r);
    }
  }
  for (const s of steps) {
    const xs = samples[s.name];
    // Each measurement carries its own stamp: a partial rerun (--only) keeps the others.
    const stamp = { revision, at: res.at };
    if (s.skipped || xs.skipped) res.measured[s.name] = { skipped: s.skipped ?? xs.skipped, ...stamp };
    else res.measured[s.name] = { wall: median(xs.map((x) => x.wall)), rssMB: Math.max(...xs.map((x) => x.rssMB)), rows: xs.at(-1).rows, walls: xs.map((x) => Number(x.wall.toFixed(3))), ...(xs.at(-1).query ? { query: xs.at(-1).query } : {}), ...stamp };
  }
  // Ratios are medians of per-round ratios: both sides of a ratio ran minutes apart at most.
  const perRound = (a, b) => (samples[a]?.length && samples[b]?.length ? median(samples[a].map((x, i) => x.wall / (samples[b][i] ?? samples[b].at(-1)).wall)) : undefined);
  res.ratios = Object.fromEntries(Object.entries(RATIO_SIDES).map(([name, [a, b]]) => [name, perRound(a, b)]));

  // Same answers: merge, database and pandas outputs row for row.
  const outs = Object.fromEntries(['join_merge', 'join_database', 'pandas'].filter((n) => samples[n]?.length).map((n) => [n, samples[n].at(-1).out]));
  for (const other of ['join_database', 'pandas']) {
    if (outs.join_merge && outs[other]) res.compared[other] = await rowsThatDiffer(outs.join_merge, outs[other]);
  }
  if (res.compared.join_database) res.joinStrategiesAgree = res.compared.join_database.differ === 0;
  return res;
}

// ------------------------------------------------------------------ facts, table, docs

/** Each per-round ratio and output comparison, and the two measurements it is of. */
const RATIO_SIDES = { join_floor: ['join_merge', 'floor'], join_pandas: ['join_merge', 'pandas'], database_merge: ['join_database', 'join_merge'], export_hand: ['export', 'hand'] };
const COMPARED_SIDES = { join_database: ['join_merge', 'join_database'], pandas: ['join_merge', 'pandas'] };

/** What of `before` still holds after a partial rerun measured `redone`: the entries whose two sides it did not redo. */
function keptPairs(before, sides, redone) {
  return Object.fromEntries(Object.entries(before ?? {}).filter(([name, v]) => v !== undefined && sides[name] && !redoneAny(sides[name], redone)));
}

const redoneAny = (names, redone) => names.some((n) => n in redone);

function engineVersion(engine) {
  try {
    if (engine === 'sqlite') return `SQLite ${execFileSync('node', ['-e', "const D=require('better-sqlite3');console.log(new D(':memory:').prepare('select sqlite_version() v').get().v)"], { cwd: ROOT }).toString().trim()} (better-sqlite3)`;
    if (engine === 'postgres') return execFileSync('psql', [PG_URL, '-Atc', 'show server_version']).toString().trim().replace(/^/, 'PostgreSQL ').split(' (')[0];
    return `MariaDB ${execFileSync('mysql', ['-h', MYSQL.host, '-u', MYSQL.user, '-N', '-e', 'select version()']).toString().trim()}`;
  } catch {
    return engine;
  }
}

const ratio = (a, b) => (a?.wall && b?.wall ? a.wall / b.wall : undefined);
/** The stored median of per-round ratios where the run has one, else the ratio of medians (older results). */
const ratioOf = (r, name, a, b) => r.ratios?.[name] ?? ratio(r.measured[a], r.measured[b]);

function cell(m, per) {
  if (!m) return ['–', '–', '–'];
  if (m.skipped) return [m.skipped, '', ''];
  return [`${fmtS(m.wall)} s`, m.rows ? `${Math.round(m.rows / m.wall).toLocaleString('en-US')} ${per}` : '', `${m.rssMB.toFixed(0)} MB`];
}

/** Targets of issue 14 (docs/benchmarks.md): ratio ceilings by engine. */
const TARGETS = {
  joinPandas: { sqlite: 0.2, postgres: 0.2 },
  joinFloor: { sqlite: 1.0, mysql: 1.5 },
  exportHand: 1.3,
  joinRssMB: 250,
  exportRssMB: 150,
};

function renderTable(entries) {
  const lines = [
    '| engine | index | measurement | wall (median) | throughput | peak RSS | ratio (median per round) |',
    '|---|---|---|---:|---:|---:|---:|',
  ];
  for (const r of entries) {
    const m = r.measured;
    const ix = r.indexed ? 'yes' : 'no';
    const row = (name, mm, per, rt) => {
      const [w, t, rss] = cell(mm, per);
      lines.push(`| ${r.engine} | ${ix} | ${name} | ${w} | ${t} | ${rss} | ${rt ?? ''} |`);
    };
    const x = (v, target, of) => (v === undefined ? '' : `${v.toFixed(2)}×${target ? (v <= target ? ' ✅' : ' ❌') : ''} ${of}`);
    const jf = ratioOf(r, 'join_floor', 'join_merge', 'floor');
    const jp = ratioOf(r, 'join_pandas', 'join_merge', 'pandas');
    row('join, merge', m.join_merge, 'labels/s', [x(jf, TARGETS.joinFloor[r.engine], 'of floor'), x(jp, TARGETS.joinPandas[r.engine], 'of pandas')].filter(Boolean).join('; '));
    row('join, database', m.join_database, 'labels/s', x(ratioOf(r, 'database_merge', 'join_database', 'join_merge'), undefined, 'of merge'));
    row('pandas read_sql + merge_asof', m.pandas, 'labels/s', r.compared?.pandas ? `${r.compared.pandas.differ} rows differ from merge` : '');
    row('floor: bare scan', m.floor, 'rows/s', '');
    row('export', m.export, 'rows/s', x(ratioOf(r, 'export_hand', 'export', 'hand'), TARGETS.exportHand, 'of hand-written'));
    row(`hand-written (${m.hand?.query ?? '–'}), CSV out`, m.hand, 'rows/s', '');
    for (const [name, what] of [['startup_help', '--help'], ['startup_meta', 'get meta all'], ['startup', 'export --dry-run']]) {
      if (m[name]?.wall) lines.push(`| ${r.engine} | ${ix} | CLI start-up (${what}) | ${fmtS(m[name].wall)} s | | ${m[name].rssMB.toFixed(0)} MB | |`);
    }
    if (m.startup_node?.wall) lines.push(`| ${r.engine} | ${ix} | Node alone (\`node -e 0\`), for reference | ${fmtS(m.startup_node.wall)} s | | ${m.startup_node.rssMB.toFixed(0)} MB | |`);
  }
  return lines.join('\n');
}

function renderTargets(entries) {
  const out = [];
  const verdict = (v, target, what, unit = '×') => `${what} ${unit === '×' ? v.toFixed(2) + '×' : v.toFixed(0) + ' MB'} ${v <= target ? 'met' : 'MISSED'} (≤ ${target}${unit === '×' ? '×' : ' MB'})`;
  for (const r of entries) {
    const m = r.measured;
    const name = `${r.engine} ${r.indexed ? 'indexed' : 'no index'}`;
    const parts = [];
    const jf = ratioOf(r, 'join_floor', 'join_merge', 'floor');
    const jp = ratioOf(r, 'join_pandas', 'join_merge', 'pandas');
    const eh = ratioOf(r, 'export_hand', 'export', 'hand');
    if (jp !== undefined && TARGETS.joinPandas[r.engine]) parts.push(verdict(jp, TARGETS.joinPandas[r.engine], 'join/pandas'));
    else if (jp !== undefined) parts.push(`join/pandas ${jp.toFixed(2)}×`);
    if (jf !== undefined && TARGETS.joinFloor[r.engine]) parts.push(verdict(jf, TARGETS.joinFloor[r.engine], 'join/floor'));
    else if (jf !== undefined) parts.push(`join/floor ${jf.toFixed(2)}×`);
    if (eh !== undefined) parts.push(verdict(eh, TARGETS.exportHand, 'export/hand-written'));
    if (m.join_merge?.rssMB && r.labels === 1_000_000) parts.push(verdict(m.join_merge.rssMB, TARGETS.joinRssMB, 'join RSS', 'MB'));
    if (m.join_merge?.rssMB && r.labels > 1_000_000) parts.push(verdict(m.join_merge.rssMB, 500, 'join RSS', 'MB'));
    if (m.export?.rssMB) parts.push(verdict(m.export.rssMB, TARGETS.exportRssMB, 'export RSS', 'MB'));
    // The target names `--help` and `get meta`; export's dry run (which also plans) is told beside it.
    const startups = [m.startup_help?.wall, m.startup_meta?.wall].filter((w) => w !== undefined);
    if (startups.length) {
      const worst = Math.max(...startups);
      const node = m.startup_node?.wall === undefined ? '' : `; Node alone ${m.startup_node.wall.toFixed(2)} s`;
      parts.push(`start-up (--help, get meta) ${worst.toFixed(2)} s ${worst <= 0.2 ? 'met' : 'MISSED'} (≤ 0.2 s${node})`);
    }
    if (m.startup?.wall) parts.push(`export --dry-run ${m.startup.wall.toFixed(2)} s`);
    if (r.compared?.join_database) parts.push(`merge and database outputs: ${r.compared.join_database.differ} rows differ`);
    else if (r.joinStrategiesAgree !== undefined) parts.push(`merge and database outputs ${r.joinStrategiesAgree ? 'identical' : 'DIFFER'}`);
    if (r.compared?.pandas) parts.push(`merge and pandas outputs: ${r.compared.pandas.differ} rows differ${r.compared.pandas.first ? ` (first at line ${r.compared.pandas.first})` : ''}`);
    if (r.revision) parts.push(`measured ${r.at} on ${r.revision}, ${r.rounds ?? 1} round(s), load average ${r.loadAvg.toFixed(1)} at start`);
    const older = Object.entries(m).filter(([, x]) => x.skipped === undefined && x.revision !== undefined && (x.revision !== r.revision || x.at !== r.at));
    if (older.length) parts.push(`kept from earlier runs: ${older.map(([n, x]) => `${n} ${x.at} on ${x.revision}`).join(', ')}`);
    out.push(`- ${name}: ${parts.join('; ')}`);
  }
  return out.join('\n');
}

function renderGrowth(all) {
  const lines = ['| engine | index | measurement | ' + [0.1, 1, 10].map((s) => `×${s} wall / RSS`).join(' | ') + ' | time growth per 10× | RSS growth per 10× |', '|---|---|---|---|---|---|---|---|'];
  const keys = [...new Set(all.map((r) => `${r.engine}|${r.indexed}`))];
  for (const k of keys) {
    const [engine, ix] = k.split('|');
    for (const name of ['join_merge', 'export', 'floor', 'hand']) {
      const at = (s) => all.find((r) => `${r.engine}|${r.indexed}` === k && r.scale === s)?.measured[name];
      const cells = [0.1, 1, 10].map((s) => (at(s)?.wall ? `${fmtS(at(s).wall)} s / ${at(s).rssMB.toFixed(0)} MB` : '–'));
      const have = [0.1, 1, 10].filter((s) => at(s)?.wall);
      const steps = have.slice(1).map((s, i) => [at(have[i]), at(s)]);
      const tg = steps.map(([a, b]) => `${(b.wall / a.wall).toFixed(1)}×`).join(', ');
      const mg = steps.map(([a, b]) => `${(b.rssMB / a.rssMB).toFixed(1)}×`).join(', ');
      if (have.length) lines.push(`| ${engine} | ${ix === 'true' ? 'yes' : 'no'} | ${name.replace('_', ', ')} | ${cells.join(' | ')} | ${tg || '–'} | ${mg || '–'} |`);
    }
  }
  return lines.join('\n');
}

function loadResults() {
  return existsSync(RESULTS) ? JSON.parse(readFileSync(RESULTS, 'utf8')) : { runs: [], facts: {} };
}

function renderDoc(results) {
  const byScale = new Map();
  for (const r of results.runs) byScale.set(r.scale, [...(byScale.get(r.scale) ?? []), r]);
  const order = { sqlite: 0, postgres: 1, mysql: 2 };
  const sections = [...byScale.keys()].sort((a, b) => a - b).map((s) => {
    const entries = byScale.get(s).sort((a, b) => order[a.engine] - order[b.engine] || Number(a.indexed) - Number(b.indexed));
    const { rows, keys, labels } = sizes(s);
    return `### Scale ${s}: ${labels.toLocaleString('en-US')} labels; 2 groups × ${rows.toLocaleString('en-US')} rows over ${keys.toLocaleString('en-US')} keys\n\n${renderTable(entries)}\n\nTargets:\n\n${renderTargets(entries)}\n`;
  });
  const f = results.facts;
  return `## export and join

<!-- Generated by bench/run.js from bench/results.json; edit the notes below the marker only. -->

Machine: ${f.cpus} (${f.cores} cores), ${f.memGB} GB RAM; Node ${f.node}; ${Object.values(f.engines ?? {}).join('; ')}. Last run ${f.date}, spellbook ${f.revision}.

Reproduce: \`npm run bench -- --engines sqlite,postgres,mysql --scale 1 --index both\` (data is generated and cached on first use; \`node bench/generate.js --scale S\` alone loads it).

Each row is one child process: \`node bin/run.js join|export …\` for spellbook, \`node bench/scan.js\` for the SQL baselines, \`python3 bench/pandas_join.py\` for pandas; wall time is measured around the process (start-up included), peak RSS is GNU time's max resident set size (the largest over the rounds). Join: all 4 features of both groups (\`account.*,stats.*\`) for every label, output to a CSV file. pandas: \`read_csv\` of the labels, \`read_sql\` of both tables, one \`merge_asof\` per group (by key, backward, ttl as tolerance, ties broken by created time), CSV out; its output is compared with the merge's value by value. Export: the same features at ${SNAPSHOT}, CSV. Floor: bare scan of the same columns of both tables (every row, no conversion, no filter) through the same driver, single-threaded for SQLite. Hand-written: the fastest of a few "latest row per key" statements for the engine (names in the table), both groups, ordered by key, same snapshot and ttl, every row written to a CSV file. Each round runs every measurement once in this order, so other users' load falls on all alike; walls are medians over the rounds and ratios medians of the per-round ratios. A start-up row is, in each round, the median of ${STARTUP_RUNS} runs after one not counted (the first run after a build writes V8's code cache, which later runs read; on a shared machine one run of a tenth of a second is within the noise); \`node -e 0\` is measured the same way beside them, the part of a start-up that is Node's own. pandas needs Debian's \`python3-pandas\`, \`python3-psycopg2\` and \`python3-pymysql\` (\`apt-get install -y …\`; \`BENCH_PYTHON\` names another interpreter); without them that row is skipped with the reason.

${sections.join('\n')}
### Growth with scale

${renderGrowth(results.runs)}
`;
}

function writeDoc(results) {
  const section = renderDoc(results);
  let doc = existsSync(DOC) ? readFileSync(DOC, 'utf8') : '# Benchmarks\n';
  const start = doc.indexOf('\n## export and join');
  const notesMarker = '<!-- notes: export and join -->';
  if (start < 0) {
    doc = `${doc.trimEnd()}\n\n${section}\n${notesMarker}\n`;
  } else {
    const next = doc.indexOf('\n## ', start + 1);
    const old = doc.slice(start + 1, next < 0 ? undefined : next + 1);
    const notesAt = old.indexOf(notesMarker);
    const notes = notesAt >= 0 ? old.slice(notesAt) : `${notesMarker}\n`;
    doc = doc.slice(0, start + 1) + section + '\n' + notes.trimEnd() + '\n' + (next < 0 ? '' : '\n' + doc.slice(next + 1));
  }
  mkdirSync(join(ROOT, 'docs'), { recursive: true });
  writeFileSync(DOC, doc);
}

// ------------------------------------------------------------------ main

function snapshotApp() {
  if (!existsSync(join(ROOT, 'dist', 'commands', 'export.js'))) throw new Error('dist/ is missing or incomplete: run `npm run build` (or `npm run bench`)');
  rmSync(APP, { recursive: true, force: true });
  mkdirSync(APP, { recursive: true });
  for (const f of ['bin', 'dist', 'package.json', 'oclif.manifest.json', 'metadata.schema.json']) if (existsSync(join(ROOT, f))) cpSync(join(ROOT, f), join(APP, f), { recursive: true });
  symlinkSync(join(ROOT, 'node_modules'), join(APP, 'node_modules'));
  const git = (...a) => execFileSync('git', a, { cwd: ROOT }).toString().trim();
  return `${git('rev-parse', '--short', 'HEAD')}${git('status', '--porcelain', 'src').length ? ' + uncommitted src/ changes' : ''}`;
}

if (args['docs-only']) {
  writeDoc(loadResults());
  console.error(`wrote ${DOC}`);
  process.exit(0);
}
const revision = snapshotApp();
console.error(`spellbook bench: scale ${scale}, engines ${engines.join(',')}, index ${args.index}`);
await ensureData(scale, engines);
const results = loadResults();
results.facts = {
  ...results.facts,
  cpus: cpus()[0]?.model ?? 'cpu',
  cores: cpus().length,
  memGB: Math.round(totalmem() / 2 ** 30),
  node: process.version,
  date: new Date().toISOString().slice(0, 10),
  revision,
  engines: { ...(results.facts.engines ?? {}), ...Object.fromEntries(engines.map((e) => [e, engineVersion(e)])) },
};
const fresh = [];
for (const engine of engines) {
  for (const indexed of variants) {
    const r = await benchVariant(engine, indexed);
    fresh.push(r);
    const i = results.runs.findIndex((x) => x.engine === engine && x.scale === scale && x.indexed === indexed);
    if (i >= 0) {
      // A partial rerun (--only) keeps the measurements it did not redo, each with the
      // revision and time it was measured at (older results carry them on their run only).
      const before = results.runs[i];
      const kept = Object.fromEntries(Object.entries(before.measured).map(([n, m]) => [n, m.revision === undefined ? { ...m, revision: before.revision, at: before.at } : m]));
      const redone = r.measured;
      r.measured = { ...kept, ...redone };
      // Per-round ratios and output comparisons of two kept measurements stay; one of a
      // kept and a redone measurement is the ratio of their medians (ratioOf).
      r.ratios = { ...keptPairs(before.ratios, RATIO_SIDES, redone), ...Object.fromEntries(Object.entries(r.ratios).filter(([, v]) => v !== undefined)) };
      r.compared = { ...keptPairs(before.compared, COMPARED_SIDES, redone), ...r.compared };
      if (!r.handCandidates && results.runs[i].handCandidates) r.handCandidates = results.runs[i].handCandidates;
      // The older results' form of compared.join_database: kept by the same rule.
      if (r.joinStrategiesAgree === undefined && !redoneAny(COMPARED_SIDES.join_database, redone)) r.joinStrategiesAgree = before.joinStrategiesAgree;
      results.runs[i] = r;
    } else results.runs.push(r);
    if (!args['no-docs']) writeFileSync(RESULTS, JSON.stringify(results, null, 1) + '\n');
  }
}
console.log(renderTable(fresh));
console.log('\n' + renderTargets(fresh));
if (!args['no-docs']) {
  writeDoc(results);
  console.error(`\nwrote ${DOC}`);
}
