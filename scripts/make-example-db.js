#!/usr/bin/env node
// Builds examples/shop.db (with a `labels` table) and examples/labels.csv deterministically (a seeded PRNG, fixed
// dates), so the README's worked example and the demo output never change between runs.
// Event times are deliberately stored in every form SPEC §2 allows on SQLite — naive
// "YYYY-MM-DD HH:MM:SS" text, ISO "…T…Z" text, epoch seconds — because mixing them is
// where text comparison gives wrong answers.
import Database from 'better-sqlite3';
import { mkdirSync, rmSync, writeFileSync, renameSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = process.argv[2] ?? join(root, 'examples', 'shop.db');
const labelsOut = join(dirname(out), 'labels.csv');

let seed = 20240301;
function random() {
  // mulberry32
  seed = (seed + 0x6d2b79f5) | 0;
  let t = seed;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const int = (lo, hi) => lo + Math.floor(random() * (hi - lo + 1));
const pick = (xs) => xs[Math.floor(random() * xs.length)];
const round2 = (x) => Math.round(x * 100) / 100;

const DAY = 86_400_000;
const START = Date.UTC(2024, 0, 1);
const iso = (ms) => new Date(ms).toISOString();
const naive = (ms) => iso(ms).slice(0, 19).replace('T', ' ');

mkdirSync(dirname(out), { recursive: true });
const tmp = `${out}.tmp`;
rmSync(tmp, { force: true });
const db = new Database(tmp);
db.exec(`
  CREATE TABLE customers (user_id INTEGER PRIMARY KEY, signup_date TEXT NOT NULL, country TEXT, is_premium INTEGER NOT NULL);
  CREATE TABLE accounts (user_id INTEGER NOT NULL, updated_at TEXT NOT NULL, loaded_at TEXT NOT NULL,
                         balance REAL, credit_limit INTEGER, status TEXT);
  CREATE INDEX accounts_user_time ON accounts (user_id, updated_at);
  CREATE TABLE txn_stats_daily (user_id INTEGER NOT NULL, computed_at INTEGER NOT NULL, txn_count_7d INTEGER, txn_amount_7d REAL);
  CREATE TABLE merchants (merchant_id TEXT NOT NULL, updated_at TEXT NOT NULL, category TEXT, risk_score REAL);
  CREATE TABLE purchases (user_id INTEGER NOT NULL, merchant_id TEXT NOT NULL, purchased_at TEXT NOT NULL, amount REAL NOT NULL);
`);

const USERS = 200;
const MERCHANTS = 30;
const COUNTRIES = ['DE', 'FR', 'NL', 'ES', 'IT', 'PL'];
const CATEGORIES = ['grocery', 'electronics', 'travel', 'fashion', 'gaming'];
const merchantId = (i) => `m_${String(i).padStart(3, '0')}`;

const insert = (sql) => db.prepare(sql);
const addCustomer = insert('INSERT INTO customers VALUES (?, ?, ?, ?)');
const addAccount = insert('INSERT INTO accounts VALUES (?, ?, ?, ?, ?, ?)');
const addStats = insert('INSERT INTO txn_stats_daily VALUES (?, ?, ?, ?)');
const addMerchant = insert('INSERT INTO merchants VALUES (?, ?, ?, ?)');
const addPurchase = insert('INSERT INTO purchases VALUES (?, ?, ?, ?)');

db.transaction(() => {
  for (let u = 1; u <= USERS; u++) {
    const signup = START - int(30, 700) * DAY;
    addCustomer.run(u, iso(signup).slice(0, 10), random() < 0.05 ? null : pick(COUNTRIES), random() < 0.2 ? 1 : 0);
    // Account state changes a few times; loaded_at trails updated_at by a few hours, and
    // a correction is sometimes loaded later for the same updated_at (created_time breaks the tie).
    let t = START + int(0, 20) * DAY + int(0, 86_399) * 1000;
    let balance = round2(random() * 2000);
    for (let k = int(1, 6); k > 0; k--) {
      const loaded = t + int(1, 6) * 3_600_000;
      addAccount.run(u, naive(t), naive(loaded), balance, pick([500, 1000, 2500, 5000]), pick(['active', 'active', 'active', 'frozen']));
      if (random() < 0.1) addAccount.run(u, naive(t), naive(loaded + DAY), round2(balance + 10), 1000, 'active');
      balance = round2(Math.max(0, balance + (random() - 0.45) * 500));
      t += int(3, 25) * DAY + int(0, 86_399) * 1000;
    }
    // Daily rolling stats, stored as epoch seconds, with gaps (days with no row) so the ttl matters.
    for (let d = 0; d < 90; d++) {
      if (random() < 0.6) continue;
      const at = START + d * DAY + 2 * 3_600_000;
      addStats.run(u, Math.floor(at / 1000), int(0, 40), round2(random() * 900));
    }
  }
  for (let m = 1; m <= MERCHANTS; m++) {
    let t = START - int(1, 60) * DAY;
    for (let k = int(1, 4); k > 0; k--) {
      addMerchant.run(merchantId(m), iso(t), pick(CATEGORIES), round2(random()));
      t += int(10, 40) * DAY;
    }
  }
  for (let p = 0; p < 3000; p++) {
    const at = START + int(0, 89) * DAY + int(0, 86_399) * 1000;
    addPurchase.run(int(1, USERS), merchantId(int(1, MERCHANTS)), naive(at), round2(5 + random() * 300));
  }
})();

// Raw card transactions, one row per payment, for the windowed aggregates of SPEC §7
// (group txn). Drawn from their own seeded generator, after everything above, so adding
// them changed none of the other tables. Times in both ISO text forms, mixed on purpose.
let txSeed = 20240311;
function txRandom() {
  txSeed = (txSeed + 0x6d2b79f5) | 0;
  let t = txSeed;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const txInt = (lo, hi) => lo + Math.floor(txRandom() * (hi - lo + 1));
db.exec(`CREATE TABLE transactions (user_id INTEGER NOT NULL, created_at TEXT, loaded_at TEXT NOT NULL, merchant_id TEXT NOT NULL, amount REAL);
         CREATE INDEX transactions_user_time ON transactions (user_id, created_at);`);
const addTransaction = insert('INSERT INTO transactions VALUES (?, ?, ?, ?, ?)');
db.transaction(() => {
  for (let u = 1; u <= USERS; u++) {
    // Each customer pays in bursts: a few active weeks with several payments, then quiet.
    let t = START - 20 * DAY + txInt(0, 30) * DAY;
    while (t < START + 100 * DAY) {
      for (let k = txInt(1, 8); k > 0; k--) {
        const at = t + txInt(0, 6 * 86_399) * 1000;
        const amount = txRandom() < 0.03 ? null : round2(2 + txRandom() * 250);
        addTransaction.run(u, txRandom() < 0.5 ? naive(at) : iso(at), naive(at + txInt(60, 7200) * 1000), merchantId(txInt(1, MERCHANTS)), amount);
      }
      t += txInt(7, 45) * DAY;
    }
  }
})();
// Labels: transactions to score, with the moment each was made and whether it was fraud.
// The same rows go to examples/labels.csv and to the table `labels`, so the demo can join
// them from a file and from a query (`join --input-query`) and show the same training set.
const labels = [];
for (let i = 1; i <= 500; i++) {
  const at = START + int(0, 100) * DAY + int(0, 86_399) * 1000;
  const stamp = i % 3 === 0 ? iso(at).slice(0, 19) + 'Z' : naive(at);
  labels.push([`t${String(i).padStart(4, '0')}`, int(1, USERS + 5), merchantId(int(1, MERCHANTS)), stamp, random() < 0.03 ? 1 : 0]);
}
db.exec('CREATE TABLE labels (transaction_id TEXT NOT NULL, user_id INTEGER NOT NULL, merchant_id TEXT NOT NULL, event_timestamp TEXT NOT NULL, is_fraud INTEGER NOT NULL)');
const addLabel = insert('INSERT INTO labels VALUES (?, ?, ?, ?, ?)');
db.transaction(() => labels.forEach((l) => addLabel.run(...l)))();
db.close();
rmSync(out, { force: true });
renameSync(tmp, out);

const lines = ['transaction_id,user_id,merchant_id,event_timestamp,is_fraud', ...labels.map((l) => l.join(','))];
writeFileSync(labelsOut, lines.join('\n') + '\n');
console.error(`wrote ${out} and ${labelsOut}`);
