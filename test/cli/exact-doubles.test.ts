/**
 * Floats come out as stored, to the last digit, on every read path. mysql2 reads a short text
 * DOUBLE with its own digit loop, one ulp off once the digits pass 2^53.
 */
import { expect, it } from 'vitest';
import { describeEngines } from '../support/engines.js';
import { at, createTable } from '../support/tables.js';
import { runCli, tempDir, writeFile, writeMetadata } from '../support/cli.js';

// Each is the shortest text of its double. mysql2's loop misreads the first; the others take
// its other paths (17 digits, exponents, the smallest subnormal) and must stay exact too.
const STORED = [9.993198234581573, 0.27890624999999997, 0.45494253843119004, -0.9999237060546875, 1e300, 5e-324];
const TEXTS = ['9.993198234581573', '0.27890624999999997', '0.45494253843119004', '-0.9999237060546875', '1e+300', '5e-324'];

describeEngines('floats as stored', (ctx) => {
  async function setup(): Promise<string> {
    const c = ctx();
    const rows = STORED.map((value, i) => ({ user_id: i + 1, updated_at: at('2024-01-01'), value }));
    await createTable(c, 'exact_doubles', { user_id: 'int', updated_at: 'time', value: 'float' }, rows);
    const dir = tempDir();
    writeMetadata(dir, {
      version: 1,
      connection: c.connection,
      entities: [{ name: 'user', key: 'user_id', type: 'int' }],
      groups: [{ name: 'g', entity: 'user', table: 'exact_doubles', event_time: 'updated_at', features: [{ name: 'value', type: 'float' }] }],
    });
    writeFile(dir, 'labels.csv', ['user_id,event_timestamp', ...STORED.map((_, i) => `${i + 1},2024-02-01`)].join('\n') + '\n');
    return dir;
  }

  it('export writes each float as stored', async () => {
    const dir = await setup();
    const r = await runCli(['export', '-f', 'g.value', '-t', '2024-02-01', '-q'], { cwd: dir });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toBe('user_id,value');
    expect(lines.slice(1).sort()).toEqual(TEXTS.map((t, i) => `${i + 1},${t}`).sort());
  });

  it.each(['merge', 'database'])('join --strategy %s writes each float as stored', async (strategy) => {
    const dir = await setup();
    const r = await runCli(['join', '--input-file', 'labels.csv', '-f', 'g.value', '--strategy', strategy, '-q'], { cwd: dir });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(['user_id,event_timestamp,value', ...TEXTS.map((t, i) => `${i + 1},2024-02-01,${t}`)].join('\n') + '\n');
  });
});
