/**
 * Integers beyond ±2^53 keep every digit on every engine, as keys and as int features:
 * a JSON number or a JS number would round 9007199254740993 to 9007199254740992.
 */
import { expect, it } from 'vitest';
import { describeEngines } from '../support/engines.js';
import { at, createTable } from '../support/tables.js';
import { runCli, tempDir, writeFile, writeMetadata } from '../support/cli.js';

describeEngines('integers beyond 2^53', (ctx) => {
  async function setup(): Promise<string> {
    const c = ctx();
    // As text, so no JS number rounds them on the way in.
    await createTable(c, 'counts', { user_id: 'int', updated_at: 'time', n: 'int' }, [
      { user_id: '1', updated_at: at('2024-01-01'), n: '9007199254740993' },
      { user_id: '2', updated_at: at('2024-01-01'), n: '-9007199254740993' },
      { user_id: '3', updated_at: at('2024-01-01'), n: '9223372036854775807' },
      { user_id: '9007199254740993', updated_at: at('2024-01-01'), n: '7' },
    ]);
    const dir = tempDir();
    writeMetadata(dir, {
      version: 1,
      connection: c.connection,
      entities: [{ name: 'user', key: 'user_id', type: 'int' }],
      groups: [{ name: 'g', entity: 'user', table: 'counts', event_time: 'updated_at', features: [{ name: 'n', type: 'int' }] }],
    });
    return dir;
  }

  // Int keys must lie within ±2^53 (README): the row keyed 9007199254740993 is skipped as
  // a NULL key is, on every engine, never rounded onto another key.
  it('export writes the values digit for digit and skips the key beyond 2^53', async () => {
    const dir = await setup();
    const r = await runCli(['export', '--feature', 'g.n', '--snapshot-date', '2024-02-01', '-q'], { cwd: dir });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      [
        'user_id,n',
        '1,9007199254740993',
        '2,-9007199254740993',
        '3,9223372036854775807',
        '',
      ].join('\n'),
    );
  });

  for (const strategy of ['merge', 'database']) {
    it(`join --strategy ${strategy} writes them digit for digit`, async () => {
      const dir = await setup();
      writeFile(dir, 'labels.csv', 'user_id,event_timestamp\n1,2024-02-01\n2,2024-02-01\n3,2024-02-01\n');
      const r = await runCli(['join', '--input-file', 'labels.csv', '--feature', 'g.n', '--strategy', strategy, '-q'], { cwd: dir });
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(r.stdout).toBe(
        [
          'user_id,event_timestamp,n',
          '1,2024-02-01,9007199254740993',
          '2,2024-02-01,-9007199254740993',
          '3,2024-02-01,9223372036854775807',
          '',
        ].join('\n'),
      );
    });
  }
});
