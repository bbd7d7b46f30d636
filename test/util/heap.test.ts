/**
 * capYoungGeneration and holdOldGeneration (src/util/heap.ts) in a process of its own: a
 * heap's sizes are the whole process's history, so the test's own (the runner's) cannot
 * be the subject.
 * The module is compiled with esbuild, as the bundle is, and run by a fresh `node`.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { transformSync } from 'esbuild';
import { afterAll, describe, expect, it } from 'vitest';
import { v8FlagNames } from '../../src/util/heap.js';

const dir = mkdtempSync(join(tmpdir(), 'spellbook-heap-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const source = readFileSync(resolve(import.meta.dirname, '..', '..', 'src', 'util', 'heap.ts'), 'utf8');
writeFileSync(join(dir, 'heap.mjs'), transformSync(source, { loader: 'ts', format: 'esm' }).code);

// Grows the young generation to 16 MB by keeping objects alive across young collections,
// caps it, optionally starts a worker thread (V8 sets the growth factor back to its
// default when a thread's heap is set up), keeps on allocating, then lets go of the cap.
writeFileSync(
  join(dir, 'scenario.mjs'),
  `import { capYoungGeneration } from './heap.mjs';
import { Worker } from 'node:worker_threads';
import { getHeapSpaceStatistics } from 'node:v8';
const young = () => getHeapSpaceStatistics().find((s) => s.space_name === 'new_space').space_size / 2 ** 20;
let kept = [];
const allocate = (n) => { for (let i = 0; i < n; i++) { kept.push({ i }); if (kept.length > 200000) kept = []; } };
while (young() < 16) allocate(100000);
const capped = young();
const release = capYoungGeneration();
if (process.argv[2] === 'worker') await new Promise((done) => new Worker('', { eval: true }).on('exit', done));
await new Promise((done) => setTimeout(done, 20));
allocate(2e6);
const held = young();
release();
allocate(2e6);
console.log(JSON.stringify({ capped, held, released: young() }));
`,
);

// A steady live set, and batches that live across young collections (promoted) and then
// die, as a join's do: full collections (PerformanceObserver's major GCs) counted over the
// same allocation while the old generation is held, and again after it is let go.
writeFileSync(
  join(dir, 'old-generation.mjs'),
  `import { holdOldGeneration } from './heap.mjs';
import { PerformanceObserver, constants } from 'node:perf_hooks';
let majors = 0;
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) if (e.detail.kind === constants.NODE_PERFORMANCE_GC_MAJOR) majors++;
}).observe({ entryTypes: ['gc'] });
const live = Array.from({ length: 300000 }, (_, i) => ({ i, s: 'x' + i }));
const churn = async (n) => {
  let batch = [];
  for (let i = 0; i < n; i++) {
    batch.push({ i, a: [i, i + 1] });
    if (batch.length === 200000) { batch = []; await new Promise((r) => setImmediate(r)); }
  }
  await new Promise((r) => setTimeout(r, 50));
};
await churn(2e5);
let from = majors;
const release = holdOldGeneration();
await churn(1.2e7);
const held = majors - from;
release();
from = majors;
await churn(1.2e7);
console.log(JSON.stringify({ held, released: majors - from, live: live.length }));
`,
);

// V8's version tag (a code cache's, which covers its flags) before and after each of the
// three, with a collection made after the first to show the function still works.
writeFileSync(
  join(dir, 'flags.mjs'),
  `import { capYoungGeneration, collectGarbage, holdOldGeneration } from './heap.mjs';
import { cachedDataVersionTag, getHeapSpaceStatistics } from 'node:v8';
const before = cachedDataVersionTag();
collectGarbage();
collectGarbage();
const afterGc = cachedDataVersionTag();
holdOldGeneration()();
const afterOld = cachedDataVersionTag();
// Grown to 16 MB first, so that the cap sets its flag.
const young = () => getHeapSpaceStatistics().find((s) => s.space_name === 'new_space').space_size / 2 ** 20;
let kept = [];
while (young() < 16) for (let i = 0; i < 100000; i++) { kept.push({ i }); if (kept.length > 200000) kept = []; }
const release = capYoungGeneration();
const capping = cachedDataVersionTag() !== before;
release();
console.log(JSON.stringify({ gc: afterGc === before, old: afterOld === before, capping, young: cachedDataVersionTag() === before, exposed: typeof globalThis.gc }));
`,
);

// Two joins at once: each nudge taken twice and let go of in turn (the first undo twice,
// as a join's error path may), the version tag read after each step.
writeFileSync(
  join(dir, 'two-joins.mjs'),
  `import { capYoungGeneration, holdOldGeneration } from './heap.mjs';
import { cachedDataVersionTag, getHeapSpaceStatistics } from 'node:v8';
const before = cachedDataVersionTag();
const young = () => getHeapSpaceStatistics().find((s) => s.space_name === 'new_space').space_size / 2 ** 20;
let kept = [];
while (young() < 16) for (let i = 0; i < 100000; i++) { kept.push({ i }); if (kept.length > 200000) kept = []; }
const steps = {};
for (const [name, nudge] of [['old', holdOldGeneration], ['young', capYoungGeneration]]) {
  const first = nudge();
  const second = nudge();
  first();
  first();
  const oneLeft = cachedDataVersionTag() === before;
  second();
  steps[name] = { oneLeft, none: cachedDataVersionTag() === before };
}
console.log(JSON.stringify(steps));
`,
);

/** Runs one of the scripts above in a fresh `node` (with `nodeFlags` before it); its answer is the JSON it prints. */
async function run<T>(script: string, ...args: string[]): Promise<T> {
  return runWith([], script, ...args);
}

async function runWith<T>(nodeFlags: readonly string[], script: string, ...args: string[]): Promise<T> {
  const { stdout } = await promisify(execFile)(process.execPath, [...nodeFlags, join(dir, script), ...args]);
  return JSON.parse(stdout) as T;
}

function scenario(worker: boolean): Promise<{ capped: number; held: number; released: number }> {
  return run('scenario.mjs', worker ? 'worker' : 'alone');
}

describe('capYoungGeneration', () => {
  it('holds the young generation at 16 MB while allocating, and lets it grow once released', async () => {
    expect(await scenario(false)).toEqual({ capped: 16, held: 16, released: 32 });
  }, 60_000);

  it('still holds it after a worker thread has started', async () => {
    expect(await scenario(true)).toEqual({ capped: 16, held: 16, released: 32 });
  }, 60_000);
});

describe('the flags', () => {
  it('are as they were once each nudge is over, so that a code cache written at exit is accepted by the next process', async () => {
    expect(await run('flags.mjs')).toEqual({ gc: true, old: true, capping: true, young: true, exposed: 'undefined' });
  }, 60_000);

  it("are the process's own where it was started with them: never set, so never set back to V8's defaults", async () => {
    // Set back to V8's defaults, each of the three would change the version tag after
    // its nudge (and --no-expose-gc would take gc away from the process).
    const flags = ['--expose-gc', '--heap-growing-percent=30', '--semi_space_growth_factor=3'];
    expect(await runWith(flags, 'flags.mjs')).toEqual({ gc: true, old: true, capping: false, young: true, exposed: 'function' });
  }, 60_000);
});

describe('two joins at once', () => {
  it('keep each flag set until the last of them lets go of it', async () => {
    expect(await run('two-joins.mjs')).toEqual({ old: { oneLeft: false, none: true }, young: { oneLeft: false, none: true } });
  }, 60_000);
});

describe('v8FlagNames', () => {
  it("names the V8 flags among node's options as V8 reads them", () => {
    const options = ['--expose_gc', '--no-semi-space-growth-factor', '--heap-growing-percent=30', '-e', 'x', '--max-old-space-size=4096', 'script.js'];
    expect([...v8FlagNames(options)]).toEqual(['expose-gc', 'semi-space-growth-factor', 'heap-growing-percent', 'max-old-space-size']);
  });
});

describe('holdOldGeneration', () => {
  it('collects the old generation more often while held than after it is let go', async () => {
    const { held, released } = await run<{ held: number; released: number }>('old-generation.mjs');
    // Measured 19-37 full collections held (the more under load) against 7-9 released;
    // V8's default lets this old generation grow to 2-4x its live set, held 1.5x.
    expect(held).toBeGreaterThan(1.5 * released);
  }, 60_000);
});
