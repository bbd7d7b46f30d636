/** How `--strategy auto` chooses, as a rule and as each engine sees its own catalog. */
import { describe, expect, it } from 'vitest';
import { chooseStrategy } from '../../src/plan/plan.js';
import { describeEngines } from '../support/engines.js';
import { at, createTable } from '../support/tables.js';
import { runCli, tempDir, writeFile, writeMetadata } from '../support/cli.js';

describe('chooseStrategy', () => {
  const few = { labelCount: 10, hashJoins: false, maxLabels: 500, indexed: [true, true] };
  it('honours an explicit choice', () => {
    expect(chooseStrategy('merge', few).strategy).toBe('merge');
    expect(chooseStrategy('database', { ...few, labelCount: 1e9 }).strategy).toBe('database');
  });
  it('auto: the database for few labels it can look up by hash or index, else the merge', () => {
    expect(chooseStrategy('auto', few).strategy).toBe('database');
    expect(chooseStrategy('auto', { ...few, indexed: [true, false] }).strategy).toBe('merge');
    expect(chooseStrategy('auto', { ...few, indexed: [false], hashJoins: true }).strategy).toBe('database');
    expect(chooseStrategy('auto', { ...few, labelCount: 500 }).strategy).toBe('database');
    expect(chooseStrategy('auto', { ...few, labelCount: 501, hashJoins: true }).strategy).toBe('merge');
    expect(chooseStrategy('auto').strategy).toBe('merge');
  });
  it('names the counts it compared, grouped in thousands', () => {
    expect(chooseStrategy('auto', { ...few, labelCount: 1_000_001, maxLabels: 100_000 }).strategyReason).toBe('auto: more than 100,000 labels, one scan per group beats per-label lookups');
    expect(chooseStrategy('auto', { ...few, labelCount: 2_500, maxLabels: 10_000, hashJoins: true }).strategyReason).toBe('auto: 2,500 labels (at most 10,000), hash-joined in the database');
    expect(chooseStrategy('auto', { ...few, labelCount: 1_234, maxLabels: 5_000 }).strategyReason).toBe("auto: 1,234 labels (at most 5,000), every group's table indexed on its key");
  });
  it('auto: the merge for a labels query, which is not counted, even where the database could hash-join it', () => {
    expect(chooseStrategy('auto', { hashJoins: true, maxLabels: 500, indexed: [true] })).toEqual({
      strategy: 'merge',
      strategyReason: 'auto: labels from a query are not counted; one scan per group, whatever their number (--strategy database for a few labels)',
    });
  });
});

describeEngines('join --strategy auto', (ctx) => {
  async function setup(index: boolean, labels: number) {
    const c = ctx();
    const table = `accounts_${index ? 'ix' : 'plain'}`;
    await createTable(c, table, { user_id: 'int', updated_at: 'time', balance: 'float' }, [{ user_id: 1, updated_at: at('2024-01-01'), balance: 1 }], index ? { index: ['user_id', 'updated_at'] } : {});
    const dir = tempDir();
    writeMetadata(dir, {
      version: 1,
      connection: c.connection,
      entities: [{ name: 'user', key: 'user_id', type: 'int' }],
      groups: [{ name: 'account', entity: 'user', table, event_time: 'updated_at', features: [{ name: 'balance', type: 'float' }] }],
    });
    writeFile(dir, 'labels.csv', ['user_id,event_timestamp', ...Array.from({ length: labels }, () => '1,2024-02-01')].join('\n') + '\n');
    const r = await runCli(['join', '--input-file', 'labels.csv', '--feature', 'account.balance', '--dry-run'], { cwd: dir });
    expect(r.code).toBe(0);
    return /^strategy: (\w+)$/m.exec(r.stdout)?.[1];
  }

  it('uses the database for a few labels where it can hash-join or use an index on the key', async () => {
    const engine = ctx().engine;
    expect(await setup(true, 3)).toBe('database');
    // PostgreSQL and Trino hash-join the labels; SQLite and MariaDB would loop per label.
    expect(await setup(false, 3)).toBe(engine === 'postgres' || engine === 'trino' ? 'database' : 'merge');
  });

  // The measured thresholds (docs/benchmarks.md), written out: 10,000 on SQLite and Trino, 100,000 on PostgreSQL and MariaDB.
  const threshold = () => ({ sqlite: 10_000, trino: 10_000, postgres: 100_000, mysql: 100_000 })[ctx().engine];

  it('uses the database up to the engine\'s label threshold', async () => {
    expect(await setup(true, threshold())).toBe('database');
  });

  it('uses the merge beyond the label threshold', async () => {
    expect(await setup(true, threshold() + 1)).toBe('merge');
  });
});
