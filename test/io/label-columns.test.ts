/** A label row's key checked without being built, with the same verdicts as building it. Pure: no database. */
import { describe, expect, it } from 'vitest';
import { LabelColumns, type LabelRecord } from '../../src/io/labels.js';
import type { Entity } from '../../src/metadata/types.js';

const user = { name: 'user', keyTypes: ['int'] } as unknown as Entity;
const columns = new LabelColumns('--input-query', ['user_id', 'event_timestamp'], { timestampColumn: 'event_timestamp', entities: [{ entity: user, columns: ['user_id'] }] });
const row = (key: string): LabelRecord => ({ fields: [key, '2024-03-01T12:00:00.000Z'], where: '--input-query row 7', time: 0 });

/** What checkKey does with a key, against what building it does: passes, or the same message. */
function verdicts(key: string): { check: string; build: string } {
  const outcome = (f: () => unknown) => {
    try {
      f();
      return 'ok';
    } catch (err) {
      return (err as Error).message;
    }
  };
  return { check: outcome(() => columns.checkKey(row(key), 0)), build: outcome(() => columns.key(row(key), 0)) };
}

describe('LabelColumns.checkKey', () => {
  it('passes an int key of plain digits, as building it does', () => {
    for (const key of ['0', '42', '007', '999999999999999']) expect(verdicts(key)).toEqual({ check: 'ok', build: 'ok' });
  });
  it('refuses what building the key refuses, with its message', () => {
    expect(verdicts('')).toEqual({ check: '--input-query row 7: user_id: missing key value', build: '--input-query row 7: user_id: missing key value' });
    expect(verdicts('x1').check).toBe('--input-query row 7: user_id: "x1" is not an int');
    for (const key of ['x1', '1.5', '-', '12345678901234567890']) expect(verdicts(key).check).toBe(verdicts(key).build);
  });
});
