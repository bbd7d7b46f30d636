#!/usr/bin/env node
// Waits until the Trino coordinator at argv[2] reports argv[3] active nodes in
// system.runtime.nodes and a query runs on the worker; gives up at once when a process
// whose pid file is among argv[4...] has exited (a bad config fails fast, not after 5 min). Used by cluster.sh start;
// plain fetch on purpose, so it runs before `npm ci` has installed anything.
import { readFileSync } from 'node:fs';

const [, , server, wanted, ...pidFiles] = process.argv;
const deadline = Date.now() + Number(process.env.TRINO_START_TIMEOUT_S ?? 300) * 1000;
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Runs one statement through Trino's HTTP protocol; returns its rows, or throws. */
async function query(sql) {
  const headers = { 'X-Trino-User': 'spellbook_cluster_check' };
  let response = await (await fetch(`${server}/v1/statement`, { method: 'POST', headers, body: sql })).json();
  const rows = [];
  for (;;) {
    if (response.error) throw new Error(response.error.message);
    if (response.data) rows.push(...response.data);
    if (!response.nextUri) return rows;
    response = await (await fetch(response.nextUri, { headers })).json();
  }
}

function exited(pidFile) {
  try {
    process.kill(Number(readFileSync(pidFile, 'utf8').trim()), 0);
    return false;
  } catch {
    return true;
  }
}

let last = 'no answer yet';
while (Date.now() < deadline) {
  const gone = pidFiles.find(exited);
  if (gone) {
    console.error(`trino: the process of ${gone} has exited`);
    process.exit(1);
  }
  try {
    const info = await (await fetch(`${server}/v1/info`)).json();
    if (info.starting) {
      last = 'coordinator starting';
    } else {
      const [[active]] = await query(`SELECT count(*) FROM system.runtime.nodes WHERE state = 'active'`);
      last = `${active} of ${wanted} nodes active`;
      if (active >= Number(wanted)) {
        // A table scan needs a worker: proves tasks can be scheduled, not only announced.
        await query('SELECT count(*) FROM memory.information_schema.schemata');
        console.error(`trino: ready, ${last} at ${server}`);
        process.exit(0);
      }
    }
  } catch (error) {
    last = error.cause?.code ?? error.message;
  }
  await sleep(2000);
}
console.error(`trino: not ready after the timeout (${last})`);
process.exit(1);
