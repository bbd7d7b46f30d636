#!/usr/bin/env node
// `npm run demo`: builds the example database, then runs real commands on it, printing
// each command before its output so a newcomer can copy them.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bin = join(root, 'bin', 'run.js');
const out = join(root, 'examples', 'out');

execFileSync(process.execPath, [join(root, 'scripts', 'make-example-db.js')], { stdio: 'inherit' });
mkdirSync(out, { recursive: true });

function run(args, { show = Infinity } = {}) {
  console.log(`\n$ spellbook ${args.map((a) => (/[\s*'"]/.test(a) ? `'${a.replace(/'/g, "'\\''")}'` : a)).join(' ')}`);
  const text = execFileSync(process.execPath, [bin, ...args], { cwd: root, encoding: 'utf8' });
  const lines = text.trimEnd().split('\n');
  console.log(lines.slice(0, show).join('\n'));
  if (lines.length > show) console.log(`… (${lines.length - show} more lines)`);
}

function head(file, n) {
  const lines = readFileSync(file, 'utf8').trimEnd().split('\n');
  console.log(lines.slice(0, n).join('\n'));
  console.log(`… (${lines.length - 1} rows in ${file.slice(root.length + 1)})`);
}

const m = ['-m', 'metadata.example.yml'];
run(['get', 'meta', 'all', ...m]);
run(['export', ...m, '--feature', 'account.balance,account.status,txn_stats.*', '--snapshot-date', '2024-03-01', '--limit', '8']);
const train = join(out, 'training.csv');
run(['join', ...m, '--input-file', 'examples/labels.csv', '--feature', 'account.balance,txn_stats.txn_count_7d,merchant_profile.risk_score,user_merchant_daily.spent', '--output', train, '--quiet']);
// Windowed aggregates over the raw transactions table (SPEC §7), as of each label's time.
const windows = join(out, 'training-windows.csv');
run(['join', ...m, '--input-file', 'examples/labels.csv', '--feature', 'txn.payments_7d,txn.amount_sum_30d,txn.amount_avg_30d,txn.amount_max_7d,txn.last_amount', '--output', windows, '--quiet']);
head(train, 8);
head(windows, 8);
if (!existsSync(train) || !existsSync(windows)) process.exit(1);

// The same labels from the database: the query runs inside the join (SPEC §8), rows come
// in a fixed order (time, then keys, then the other columns), the database strategy keeps
// the labels where they are.
const fromDb = join(out, 'training-from-query.csv');
run(['join', ...m, '--input-query', 'SELECT * FROM labels WHERE is_fraud = 1', '--feature', 'account.balance,merchant_profile.risk_score', '--strategy', 'database', '--output', fromDb, '--quiet']);
head(fromDb, 6);
