/**
 * capYoungGeneration (src/util/heap.ts) in a process of its own: a young generation's size
 * is the whole process's history, so the test's own (the runner's) cannot be the subject.
 * The module is compiled with esbuild, as the bundle is, and run by a fresh `node`.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { transformSync } from 'esbuild';
import { afterAll, describe, expect, it } from 'vitest';

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

async function scenario(worker: boolean): Promise<{ capped: number; held: number; released: number }> {
  const { stdout } = await promisify(execFile)(process.execPath, [join(dir, 'scenario.mjs'), worker ? 'worker' : 'alone']);
  return JSON.parse(stdout) as { capped: number; held: number; released: number };
}

describe('capYoungGeneration', () => {
  it('holds the young generation at 16 MB while allocating, and lets it grow once released', async () => {
    expect(await scenario(false)).toEqual({ capped: 16, held: 16, released: 32 });
  }, 60_000);

  it('still holds it after a worker thread has started', async () => {
    expect(await scenario(true)).toEqual({ capped: 16, held: 16, released: 32 });
  }, 60_000);
});
