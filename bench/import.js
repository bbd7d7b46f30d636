// Import throughput (see docs/benchmarks.md, "## import").
//
//   npm run build && node bench/import.js [--rows 1000000] [--engines sqlite,postgres,mysql]
//
// Writes a deterministic CSV (int key, ISO event time, float, int, bool, string) once into
// bench/data, then, per engine, imports it with --create-table into a fresh table through
// the built library in a child process, which reports wall time and its own peak RSS.
import { execFileSync, spawnSync } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const BENCH_DIR = dirname(fileURLToPath(import.meta.url));
const DATA_DIR = join(BENCH_DIR, 'data');
const PLACE = 'spellbook_bench_import';
const PG = { host: '127.0.0.1', port: 5432, user: 'postgres', database: 'test' };
const MYSQL = { host: '127.0.0.1', port: 3306, user: 'root', password: '' };

const { values } = parseArgs({ options: { rows: { type: 'string', default: '1000000' }, engines: { type: 'string', default: 'sqlite,postgres,mysql' } } });
const rows = Number(values.rows);

function mulberry32(seed) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

async function generate(file) {
  if (existsSync(file)) return;
  mkdirSync(DATA_DIR, { recursive: true });
  const out = createWriteStream(`${file}.tmp`);
  const random = mulberry32(42);
  const start = Date.UTC(2024, 0, 1);
  let chunk = 'user_id,updated_at,balance,credit_limit,active,status\n';
  for (let i = 0; i < rows; i++) {
    const t = new Date(start + Math.floor(random() * 366 * 86_400_000)).toISOString();
    chunk += `${Math.floor(random() * 100_000)},${t},${(random() * 10_000).toFixed(2)},${Math.floor(random() * 50) * 100},${random() < 0.5},${random() < 0.9 ? 'active' : 'frozen'}\n`;
    if (chunk.length > 1 << 20) {
      if (!out.write(chunk)) await once(out, 'drain');
      chunk = '';
    }
  }
  out.end(chunk);
  await once(out, 'finish');
  execFileSync('mv', [`${file}.tmp`, file]);
}

const metadata = (connection) =>
  JSON.stringify({
    version: 1,
    connection,
    entities: [{ name: 'user', key: 'user_id', type: 'int' }],
    groups: [
      {
        name: 'account',
        entity: 'user',
        table: 'bench_import_accounts',
        event_time: 'updated_at',
        features: [
          { name: 'balance', type: 'float' },
          { name: 'credit_limit', type: 'int' },
          { name: 'active', type: 'bool' },
          { name: 'status', type: 'string' },
        ],
      },
    ],
  });

/** A fresh place per engine, returned as the metadata's connection. */
async function freshPlace(engine) {
  const { default: knex } = await import('knex');
  if (engine === 'sqlite') {
    const filename = join(DATA_DIR, `${PLACE}.db`);
    for (const s of ['', '-journal', '-wal', '-shm']) rmSync(filename + s, { force: true });
    return { client: 'better-sqlite3', connection: { filename } };
  }
  if (engine === 'postgres') {
    const k = knex({ client: 'pg', connection: PG });
    await k.raw(`DROP SCHEMA IF EXISTS ${PLACE} CASCADE`);
    await k.raw(`CREATE SCHEMA ${PLACE}`);
    await k.destroy();
    return { client: 'pg', connection: { ...PG, options: `-c search_path=${PLACE}` } };
  }
  const k = knex({ client: 'mysql2', connection: MYSQL });
  await k.raw(`DROP DATABASE IF EXISTS ${PLACE}`);
  await k.raw(`CREATE DATABASE ${PLACE} CHARACTER SET utf8mb4`);
  await k.destroy();
  return { client: 'mysql2', connection: { ...MYSQL, database: PLACE } };
}

// The child: the built library, timed from the call, with its own peak RSS.
const CHILD = `
import { openSpellbook } from ${JSON.stringify(join(BENCH_DIR, '..', 'dist', 'index.js'))};
const [metadata, file] = process.argv.slice(1);
const book = await openSpellbook({ metadata });
const t0 = performance.now();
const result = await book.import({ group: 'account', inputFile: file, createTable: true });
const seconds = (performance.now() - t0) / 1000;
await book.close();
console.log(JSON.stringify({ rows: result.rows, seconds, maxRssMb: process.resourceUsage().maxRSS / 1024 }));
`;

const file = join(DATA_DIR, `import_${rows}.csv`);
await generate(file);
const results = [];
for (const engine of values.engines.split(',')) {
  const connection = await freshPlace(engine);
  const md = join(DATA_DIR, `${PLACE}_${engine}.yml`);
  writeFileSync(md, metadata(connection));
  const child = spawnSync(process.execPath, ['--input-type=module', '-e', CHILD, md, file], { encoding: 'utf8' });
  if (child.status !== 0) throw new Error(`${engine}: ${child.stderr}`);
  const r = JSON.parse(child.stdout.trim().split('\n').pop());
  results.push({ engine, ...r, rowsPerSecond: Math.round(r.rows / r.seconds) });
  console.log(`${engine}: ${r.rows} rows in ${r.seconds.toFixed(1)} s = ${Math.round(r.rows / r.seconds).toLocaleString('en-US')} rows/s, peak RSS ${r.maxRssMb.toFixed(0)} MB`);
}
writeFileSync(join(DATA_DIR, `import_results.json`), JSON.stringify(results, null, 2) + '\n');
