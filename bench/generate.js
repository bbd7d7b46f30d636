// Deterministic benchmark data for `spellbook export` and `join` (see docs/benchmarks.md).
//
//   node bench/generate.js [--scale 1] [--engines sqlite,postgres,mysql] [--force]
//
// At scale S: two feature groups of 1,000,000×S rows each over 100,000×S int keys, event
// times spread over 2024, and a labels CSV of 1,000,000×S rows. The same seeded PRNG
// stream feeds every engine, so the three databases hold identical rows. Each engine gets
// two variants of each table: `<group>_<tag>` without any index and `<group>_<tag>_ix`
// with an index on (key, event time). A marker (bench_meta) records scale and generator
// version, so a second run with the same scale does nothing.
import { existsSync, mkdirSync, createWriteStream, copyFileSync, rmSync, statSync } from 'node:fs';
import { once } from 'node:events';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

export const GENERATOR_VERSION = 1;
export const BENCH_DIR = dirname(fileURLToPath(import.meta.url));
export const DATA_DIR = join(BENCH_DIR, 'data');
export const SCHEMA = 'spellbook_bench';
export const PG_URL = process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
export const MYSQL = { host: '127.0.0.1', port: 3306, user: 'root', password: '' };

export const YEAR_START = Date.UTC(2024, 0, 1);
export const YEAR_MS = 366 * 86_400_000;

/** `0.1` → `s0_1`; used in table and file names. */
export function scaleTag(scale) {
  return `s${String(scale).replace('.', '_')}`;
}

export function sizes(scale) {
  return { rows: Math.round(1_000_000 * scale), keys: Math.round(100_000 * scale), labels: Math.round(1_000_000 * scale) };
}

export const labelsFile = (scale) => join(DATA_DIR, `labels_${scaleTag(scale)}.csv`);
export const sqliteFile = (scale, indexed) => join(DATA_DIR, `${scaleTag(scale)}${indexed ? '_ix' : ''}.db`);
export const tableName = (group, scale, indexed) => `${group}_${scaleTag(scale)}${indexed ? '_ix' : ''}`;

/** mulberry32: tiny, fast, good enough, and the same on every machine. */
export function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * The rows of one group, as plain arrays: [user_id, event ms, created ms, f1, f2].
 * `account`: created = event + up to 1 h; balance float, txn_count int.
 * `stats`: no created time (null); score float, visits int.
 */
export function* groupRows(group, scale) {
  const { rows, keys } = sizes(scale);
  const r = prng(group === 'account' ? 1 : 2);
  for (let i = 0; i < rows; i++) {
    const key = Math.floor(r() * keys);
    const event = YEAR_START + Math.floor(r() * YEAR_MS);
    const f1 = Math.round(r() * 1_000_000) / 100; // two decimals
    const f2 = Math.floor(r() * 1000);
    if (group === 'account') yield [key, event, event + Math.floor(r() * 3_600_000), f1, f2];
    else yield [key, event, null, f1, f2];
  }
}

export const GROUPS = {
  account: { event: 'updated_at', created: 'loaded_at', features: ['balance', 'txn_count'], types: ['float', 'int'] },
  stats: { event: 'event_ts', created: undefined, features: ['score', 'visits'], types: ['float', 'int'], ttl: '30d' },
};

function* labelRows(scale) {
  const { labels, keys } = sizes(scale);
  const r = prng(3);
  for (let i = 0; i < labels; i++) {
    const key = Math.floor(r() * keys);
    // Labels spread over the year too, seconds precision, as a CSV user would have them.
    const t = YEAR_START + Math.floor(r() * (YEAR_MS / 1000)) * 1000;
    yield [key, new Date(t).toISOString().replace('.000Z', 'Z'), r() < 0.2 ? 1 : 0];
  }
}

const isoMs = (ms) => new Date(ms).toISOString(); // 2024-03-01T12:00:00.000Z
const naiveMs = (ms) => isoMs(ms).slice(0, 23).replace('T', ' '); // 2024-03-01 12:00:00.000

async function writeLabels(scale, force) {
  const file = labelsFile(scale);
  if (existsSync(file) && !force) return false;
  mkdirSync(DATA_DIR, { recursive: true });
  const tmp = `${file}.tmp`;
  const out = createWriteStream(tmp);
  let buf = 'user_id,event_timestamp,label\n';
  for (const [k, t, l] of labelRows(scale)) {
    buf += `${k},${t},${l}\n`;
    if (buf.length > 1 << 20) {
      if (!out.write(buf)) await once(out, 'drain');
      buf = '';
    }
  }
  out.end(buf);
  await once(out, 'finish');
  const { renameSync } = await import('node:fs');
  renameSync(tmp, file);
  return true;
}

// ---------------------------------------------------------------- SQLite

async function loadSqlite(scale, force) {
  const { default: Database } = await import('better-sqlite3');
  const plain = sqliteFile(scale, false);
  const indexed = sqliteFile(scale, true);
  const ok = (file) => {
    if (!existsSync(file)) return false;
    const db = new Database(file, { readonly: true });
    try {
      const m = db.prepare('SELECT scale, version FROM bench_meta').get();
      return m && m.scale === scale && m.version === GENERATOR_VERSION;
    } catch {
      return false;
    } finally {
      db.close();
    }
  };
  if (!force && ok(plain) && ok(indexed)) return false;
  mkdirSync(DATA_DIR, { recursive: true });
  for (const f of [plain, indexed]) rmSync(f, { force: true });
  const db = new Database(plain);
  db.pragma('journal_mode = OFF');
  db.pragma('synchronous = OFF');
  db.exec(`CREATE TABLE account (user_id INTEGER NOT NULL, updated_at TEXT NOT NULL, loaded_at TEXT, balance REAL, txn_count INTEGER);
           CREATE TABLE stats (user_id INTEGER NOT NULL, event_ts TEXT NOT NULL, score REAL, visits INTEGER);
           CREATE TABLE bench_meta (scale REAL, version INTEGER);`);
  for (const group of ['account', 'stats']) {
    const g = GROUPS[group];
    const cols = ['user_id', g.event, ...(g.created ? [g.created] : []), ...g.features];
    const insert = db.prepare(`INSERT INTO ${group} (${cols.join(', ')}) VALUES (${cols.map(() => '?').join(', ')})`);
    db.transaction(() => {
      for (const [k, e, c, f1, f2] of groupRows(group, scale)) {
        if (g.created) insert.run(k, isoMs(e), isoMs(c), f1, f2);
        else insert.run(k, isoMs(e), f1, f2);
      }
    })();
  }
  db.prepare('INSERT INTO bench_meta VALUES (?, ?)').run(scale, GENERATOR_VERSION);
  db.close();
  copyFileSync(plain, indexed);
  const ix = new Database(indexed);
  ix.exec(`CREATE INDEX account_key_time ON account (user_id, updated_at); CREATE INDEX stats_key_time ON stats (user_id, event_ts); ANALYZE;`);
  ix.close();
  return true;
}

// ---------------------------------------------------------------- PostgreSQL

async function loadPostgres(scale, force) {
  const { default: pg } = await import('pg');
  const client = new pg.Client({ connectionString: PG_URL });
  await client.connect();
  try {
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${SCHEMA}`);
    await client.query(`CREATE TABLE IF NOT EXISTS ${SCHEMA}.bench_meta (tag text PRIMARY KEY, scale float8, version int)`);
    const tag = scaleTag(scale);
    const m = await client.query(`SELECT version FROM ${SCHEMA}.bench_meta WHERE tag = $1`, [tag]);
    if (!force && m.rows[0]?.version === GENERATOR_VERSION) return false;
    await client.query(`DELETE FROM ${SCHEMA}.bench_meta WHERE tag = $1`, [tag]);
    for (const group of ['account', 'stats']) {
      const g = GROUPS[group];
      const t = `${SCHEMA}.${tableName(group, scale, false)}`;
      const tix = `${SCHEMA}.${tableName(group, scale, true)}`;
      await client.query(`DROP TABLE IF EXISTS ${t}; DROP TABLE IF EXISTS ${tix}`);
      const created = g.created ? `, ${g.created} timestamp` : '';
      await client.query(`CREATE UNLOGGED TABLE ${t} (user_id int NOT NULL, ${g.event} timestamp NOT NULL${created}, ${g.features[0]} float8, ${g.features[1]} int)`);
      const cols = ['user_id', g.event, ...(g.created ? [g.created] : []), ...g.features];
      const types = ['int[]', 'timestamp[]', ...(g.created ? ['timestamp[]'] : []), 'float8[]', 'int[]'];
      const sql = `INSERT INTO ${t} (${cols.join(', ')}) SELECT * FROM unnest(${types.map((ty, i) => `$${i + 1}::${ty}`).join(', ')})`;
      const BATCH = 100_000;
      let arrays = cols.map(() => []);
      const flush = async () => {
        if (arrays[0].length) await client.query(sql, arrays);
        arrays = cols.map(() => []);
      };
      for (const [k, e, c, f1, f2] of groupRows(group, scale)) {
        const row = g.created ? [k, naiveMs(e), naiveMs(c), f1, f2] : [k, naiveMs(e), f1, f2];
        row.forEach((v, i) => arrays[i].push(v));
        if (arrays[0].length >= BATCH) await flush();
      }
      await flush();
      // The indexed twin: a server-side copy, then the index.
      await client.query(`CREATE UNLOGGED TABLE ${tix} AS SELECT * FROM ${t}`);
      await client.query(`CREATE INDEX ON ${tix} (user_id, ${g.event})`);
      await client.query(`VACUUM ANALYZE ${t}`);
      await client.query(`VACUUM ANALYZE ${tix}`);
    }
    await client.query(`INSERT INTO ${SCHEMA}.bench_meta VALUES ($1, $2, $3)`, [tag, scale, GENERATOR_VERSION]);
    return true;
  } finally {
    await client.end();
  }
}

// ---------------------------------------------------------------- MariaDB / MySQL

async function loadMysql(scale, force) {
  const { default: mysql } = await import('mysql2/promise');
  const conn = await mysql.createConnection({ ...MYSQL, multipleStatements: true });
  try {
    await conn.query(`CREATE DATABASE IF NOT EXISTS ${SCHEMA}`);
    await conn.query(`USE ${SCHEMA}`);
    await conn.query(`CREATE TABLE IF NOT EXISTS bench_meta (tag varchar(32) PRIMARY KEY, scale double, version int)`);
    const tag = scaleTag(scale);
    const [m] = await conn.query(`SELECT version FROM bench_meta WHERE tag = ?`, [tag]);
    if (!force && m[0]?.version === GENERATOR_VERSION) return false;
    await conn.query(`DELETE FROM bench_meta WHERE tag = ?`, [tag]);
    await conn.query('SET SESSION unique_checks = 0, foreign_key_checks = 0');
    for (const group of ['account', 'stats']) {
      const g = GROUPS[group];
      const t = tableName(group, scale, false);
      const tix = tableName(group, scale, true);
      await conn.query(`DROP TABLE IF EXISTS ${t}, ${tix}`);
      const created = g.created ? `, ${g.created} DATETIME(3)` : '';
      await conn.query(`CREATE TABLE ${t} (user_id INT NOT NULL, ${g.event} DATETIME(3) NOT NULL${created}, ${g.features[0]} DOUBLE, ${g.features[1]} INT) ENGINE=InnoDB`);
      const cols = ['user_id', g.event, ...(g.created ? [g.created] : []), ...g.features];
      const head = `INSERT INTO ${t} (${cols.join(', ')}) VALUES `;
      const BATCH = 20_000;
      let values = [];
      await conn.query('START TRANSACTION');
      for (const [k, e, c, f1, f2] of groupRows(group, scale)) {
        // Numbers and fixed-form timestamps only: nothing to escape.
        values.push(g.created ? `(${k},'${naiveMs(e)}','${naiveMs(c)}',${f1},${f2})` : `(${k},'${naiveMs(e)}',${f1},${f2})`);
        if (values.length >= BATCH) {
          await conn.query(head + values.join(','));
          values = [];
        }
      }
      if (values.length) await conn.query(head + values.join(','));
      await conn.query('COMMIT');
      await conn.query(`CREATE TABLE ${tix} LIKE ${t}`);
      await conn.query(`ALTER TABLE ${tix} ADD INDEX key_time (user_id, ${g.event})`);
      await conn.query(`INSERT INTO ${tix} SELECT * FROM ${t}`);
      await conn.query(`ANALYZE TABLE ${t}, ${tix}`);
    }
    await conn.query(`INSERT INTO bench_meta VALUES (?, ?, ?)`, [tag, scale, GENERATOR_VERSION]);
    return true;
  } finally {
    await conn.end();
  }
}

const LOADERS = { sqlite: loadSqlite, postgres: loadPostgres, mysql: loadMysql };

/** Makes sure the data of `scale` exists on each engine; returns load seconds per engine (0 = cached). */
export async function ensureData(scale, engines, { force = false, log = console.error } = {}) {
  const t0 = performance.now();
  if (await writeLabels(scale, force)) log(`labels ${scaleTag(scale)}: ${((performance.now() - t0) / 1000).toFixed(1)} s (${(statSync(labelsFile(scale)).size / 1e6).toFixed(0)} MB)`);
  const loads = {};
  for (const engine of engines) {
    const t = performance.now();
    const did = await LOADERS[engine](scale, force);
    loads[engine] = did ? (performance.now() - t) / 1000 : 0;
    log(`${engine} ${scaleTag(scale)}: ${did ? `loaded 2×${sizes(scale).rows} rows (both variants) in ${loads[engine].toFixed(1)} s` : 'cached'}`);
  }
  return loads;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({
    options: { scale: { type: 'string', default: '1' }, engines: { type: 'string', default: 'sqlite,postgres,mysql' }, force: { type: 'boolean', default: false } },
  });
  await ensureData(Number(values.scale), values.engines.split(','), { force: values.force });
}
