// Benchmark of `spellbook join` and `export` against two baselines on the same engine,
// measured in the same run (see docs/benchmarks.md for the numbers and how to read them).
//
//   npm run bench -- [--engines sqlite,postgres,mysql] [--scale 1] [--index both|yes|no]
//                    [--repeat 1] [--db-timeout 120] [--no-docs]
//
// Every measurement is a child process run under GNU time: wall time is taken here,
// peak RSS (VmHWM) is `/usr/bin/time -f %M`. Measured per engine and index variant:
//   join (merge)     node bin/run.js join --strategy merge, all features of both groups
//   join (database)  the same with --strategy database (capped by --db-timeout)
//   export           node bin/run.js export, all features of both groups at SNAPSHOT
//   floor            bare scan of the same columns of both tables, same driver (bench/scan.js)
//   hand-written     the fastest "latest row per key" SQL we could write for the engine,
//                    same snapshot and ttl, ordered by key, streamed and discarded
// Results are merged into bench/results.json (one entry per engine/scale/index), from
// which the "## export and join" section of docs/benchmarks.md is rendered.
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

const { values: args } = parseArgs({
  options: {
    engines: { type: 'string', default: 'sqlite,postgres,mysql' },
    scale: { type: 'string', default: '1' },
    index: { type: 'string', default: 'both' },
    repeat: { type: 'string', default: '1' },
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

/** Best of `repeat` runs (min wall; RSS of that run). */
async function best(fn) {
  let b;
  for (let i = 0; i < repeat; i++) {
    const r = await fn();
    if (r.timeout) return r;
    if (!b || r.wall < b.wall) b = r;
  }
  return b;
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

async function benchVariant(engine, indexed) {
  const meta = writeMetadata(engine, indexed);
  const labels = labelsFile(scale);
  const { labels: nLabels } = sizes(scale);
  const tag = `${engine}-${scaleTag(scale)}${indexed ? '-ix' : ''}`;
  const res = { engine, scale, indexed, revision, at: new Date().toISOString().slice(0, 16), loadAvg: loadavg()[0], labels: nLabels, rowsPerGroup: sizes(scale).rows, measured: {} };
  const want = (name) => !only || only.has(name);
  const log = (name, r) => console.error(`  ${tag} ${name}: ${r.skipped ?? (r.timeout ? `timeout` : `${fmtS(r.wall)} s, ${r.rssMB.toFixed(0)} MB, ${r.rows} rows`)}`);

  if (want('startup')) {
    // What every CLI row pays before any data moves: Node + oclif + plan, no database work.
    const r = await best(() => measure('node', ['bin/run.js', 'export', '-m', meta, '--feature', FEATURES, '--snapshot-date', SNAPSHOT, '--dry-run']));
    res.measured.startup = { wall: r.wall, rssMB: r.rssMB, rows: 0 };
    log('startup', res.measured.startup);
  }

  if (want('floor')) {
    const r = await best(() => measure('node', [join(BENCH_DIR, 'scan.js'), JSON.stringify(scanSpec(engine, indexed, floorQueries(engine, indexed)))]));
    res.measured.floor = { wall: r.wall, rssMB: r.rssMB, rows: JSON.parse(r.stdout).rows };
    log('floor', res.measured.floor);
  }

  const joinOut = {};
  for (const strategy of ['merge', 'database']) {
    const name = `join_${strategy}`;
    if (!want(name)) continue;
    if (strategy === 'database' && nLabels > Number(args['db-max-labels'])) {
      res.measured[name] = { skipped: `skipped: ${nLabels} labels > --db-max-labels ${args['db-max-labels']} (the database join runs one statement per 5,000 labels; see scale 1)` };
      log(name, res.measured[name]);
      continue;
    }
    if (strategy === 'database' && !indexed && nLabels > Number(args['db-noindex-max-labels'])) {
      res.measured[name] = { skipped: `skipped: no index and ${nLabels} labels > --db-noindex-max-labels ${args['db-noindex-max-labels']} (without an index each 5,000-label chunk scans the table)` };
      log(name, res.measured[name]);
      continue;
    }
    const out = join(OUT, `join-${tag}-${strategy}.csv`);
    rmSync(out, { force: true });
    const r = await best(() =>
      measure('node', ['bin/run.js', 'join', '-m', meta, '--feature', FEATURES, '--input-file', labels, '--strategy', strategy, '--output', out, '--quiet'], {
        timeoutS: strategy === 'database' ? Number(args['db-timeout']) : undefined,
      }),
    );
    if (r.timeout) {
      res.measured[name] = { skipped: `timeout: killed after ${args['db-timeout']} s (--db-timeout)` };
    } else {
      res.measured[name] = { wall: r.wall, rssMB: r.rssMB, rows: (await countLines(out)) - 1 };
      joinOut[strategy] = await md5(out);
    }
    log(name, res.measured[name]);
  }
  if (joinOut.merge && joinOut.database) res.joinStrategiesAgree = joinOut.merge === joinOut.database;

  if (want('export')) {
    const out = join(OUT, `export-${tag}.csv`);
    const r = await best(() => measure('node', ['bin/run.js', 'export', '-m', meta, '--feature', FEATURES, '--snapshot-date', SNAPSHOT, '--output', out, '--quiet']));
    res.measured.export = { wall: r.wall, rssMB: r.rssMB, rows: (await countLines(out)) - 1 };
    log('export', res.measured.export);
  }

  if (want('hand')) {
    let fastest;
    res.handCandidates = {};
    for (const [label, queries] of Object.entries(handWritten(engine, indexed))) {
      const r = await best(() => measure('node', [join(BENCH_DIR, 'scan.js'), JSON.stringify(scanSpec(engine, indexed, queries))]));
      const m = { wall: r.wall, rssMB: r.rssMB, rows: JSON.parse(r.stdout).rows, query: label };
      res.handCandidates[label] = m.wall;
      log(`hand-written (${label})`, m);
      if (!fastest || m.wall < fastest.wall) fastest = m;
    }
    res.measured.hand = fastest;
  }
  return res;
}

// ------------------------------------------------------------------ facts, table, docs

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

function cell(m, per) {
  if (!m) return ['–', '–', '–'];
  if (m.skipped) return [m.skipped, '', ''];
  return [`${fmtS(m.wall)} s`, `${Math.round(m.rows / m.wall).toLocaleString('en-US')} ${per}`, `${m.rssMB.toFixed(0)} MB`];
}

function renderTable(entries) {
  const lines = [
    '| engine | index | measurement | wall | throughput | peak RSS | ratio |',
    '|---|---|---|---:|---:|---:|---:|',
  ];
  for (const r of entries) {
    const m = r.measured;
    const ix = r.indexed ? 'yes' : 'no';
    const row = (name, mm, per, rt) => {
      const [w, t, rss] = cell(mm, per);
      lines.push(`| ${r.engine} | ${ix} | ${name} | ${w} | ${t} | ${rss} | ${rt ?? ''} |`);
    };
    const x = (v, target) => (v === undefined ? '' : `${v.toFixed(2)}×${target ? (v <= target ? ' ✅' : ' ❌') : ''}`);
    row('join, merge', m.join_merge, 'labels/s', x(ratio(m.join_merge, m.floor), r.engine === 'sqlite' ? 1.3 : undefined) + (ratio(m.join_merge, m.floor) ? ' of floor' : ''));
    row('join, database', m.join_database, 'labels/s', ratio(m.join_database, m.floor) ? `${x(ratio(m.join_database, m.floor))} of floor` : '');
    row('floor: bare scan', m.floor, 'rows/s', '');
    row('export', m.export, 'rows/s', ratio(m.export, m.hand) ? `${x(ratio(m.export, m.hand), 1.3)} of hand-written` : '');
    row(`hand-written (${m.hand?.query ?? '–'})`, m.hand, 'rows/s', '');
    if (m.startup) lines.push(`| ${r.engine} | ${ix} | CLI start-up (export --dry-run) | ${fmtS(m.startup.wall)} s | | ${m.startup.rssMB.toFixed(0)} MB | |`);
  }
  return lines.join('\n');
}

function renderTargets(entries) {
  const out = [];
  for (const r of entries) {
    const m = r.measured;
    const name = `${r.engine} ${r.indexed ? 'indexed' : 'no index'}`;
    const jf = ratio(m.join_merge, m.floor);
    const eh = ratio(m.export, m.hand);
    const parts = [];
    if (r.engine === 'sqlite' && jf) parts.push(`join/floor ${jf.toFixed(2)}× ${jf <= 1.3 ? 'met' : 'MISSED'} (≤ 1.3×)`);
    else if (jf) parts.push(`join/floor ${jf.toFixed(2)}×`);
    if (eh) parts.push(`export/hand-written ${eh.toFixed(2)}× ${eh <= 1.3 ? 'met' : 'MISSED'} (≤ 1.3×)`);
    if (m.join_merge?.rssMB && r.labels === 1_000_000) parts.push(`join RSS ${m.join_merge.rssMB.toFixed(0)} MB ${m.join_merge.rssMB < 250 ? 'met' : 'MISSED'} (< 250 MB)`);
    if (m.export?.rssMB) parts.push(`export RSS ${m.export.rssMB.toFixed(0)} MB ${m.export.rssMB < 150 ? 'met' : 'MISSED'} (< 150 MB)`);
    if (r.joinStrategiesAgree !== undefined) parts.push(`merge and database outputs ${r.joinStrategiesAgree ? 'identical' : 'DIFFER'}`);
    if (r.revision) parts.push(`measured ${r.at} on ${r.revision}, load average ${r.loadAvg.toFixed(1)} at start`);
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

Each row is one child process: \`node bin/run.js join|export …\` for spellbook, \`node bench/scan.js\` for the baselines; wall time is measured around the process (start-up included: ~0.1 s for the baselines, ~0.6 s for the CLI, shown in its own row), peak RSS is GNU time's max resident set size. Join: all 4 features of both groups (\`account.*,stats.*\`) for every label, output to a CSV file. Export: the same features at ${SNAPSHOT}, CSV. Floor: bare scan of the same columns of both tables (every row, no conversion, no filter) through the same driver. Hand-written: the fastest of a few "latest row per key" statements for the engine (names in the table), both groups, ordered by key, same snapshot and ttl, rows streamed and discarded. Ratios are wall-time ratios.

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
      // A partial rerun (--only) keeps the measurements it did not redo.
      r.measured = { ...results.runs[i].measured, ...r.measured };
      if (!r.handCandidates && results.runs[i].handCandidates) r.handCandidates = results.runs[i].handCandidates;
      if (r.joinStrategiesAgree === undefined) r.joinStrategiesAgree = results.runs[i].joinStrategiesAgree;
      results.runs[i] = r;
    } else results.runs.push(r);
    writeFileSync(RESULTS, JSON.stringify(results, null, 1) + '\n');
  }
}
console.log(renderTable(fresh));
console.log('\n' + renderTargets(fresh));
if (!args['no-docs']) {
  writeDoc(results);
  console.error(`\nwrote ${DOC}`);
}
