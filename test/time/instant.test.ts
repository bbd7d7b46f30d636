import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatInstant, parseEpoch, parseInstant, parseInstantGeneral } from '../../src/time/instant.js';

describe('parseInstant', () => {
  it.each([
    ['2024-03-01', '2024-03-01T00:00:00.000Z'],
    ['2024-03-01 12:00:00', '2024-03-01T12:00:00.000Z'],
    ['2024-03-01T12:00:00Z', '2024-03-01T12:00:00.000Z'],
    ['2024-03-01T12:00:00.5Z', '2024-03-01T12:00:00.500Z'],
    ['2024-03-01T12:00:00.123456789', '2024-03-01T12:00:00.123Z'],
    ['2024-03-01T12:00:00+02:00', '2024-03-01T10:00:00.000Z'],
    ['2024-03-01T12:00:00-0530', '2024-03-01T17:30:00.000Z'],
    ['2024-03-01T12:00', '2024-03-01T12:00:00.000Z'],
    ['2024-02-29', '2024-02-29T00:00:00.000Z'],
    [' 2024-03-01 ', '2024-03-01T00:00:00.000Z'],
    ['0099-01-01', '0099-01-01T00:00:00.000Z'],
  ])('reads %j as %s', (text, iso) => {
    expect(formatInstant(parseInstant(text)!)).toBe(iso);
  });

  it.each(['2023-02-29', '2024-13-01', '2024-00-10', '2024-04-31', '2024-03-01 24:00:00', '2024-03-01T12:60:00', '20240301', '2024-3-1', 'yesterday', '', '2024-03-01T12:00:00ZZ', '2024-03-01T12:00:00.Z'])(
    'rejects %j',
    (text) => expect(parseInstant(text)).toBeUndefined(),
  );

  it('the fast path agrees with the general reader on every string of the shapes it reads', () => {
    const d2 = fc.integer({ min: 0, max: 99 }).map((n) => String(n).padStart(2, '0'));
    const shaped = fc
      .tuple(
        fc.integer({ min: 0, max: 9999 }).map((n) => String(n).padStart(4, '0')),
        d2,
        d2,
        fc.option(fc.tuple(fc.constantFrom('T', ' '), d2, d2, d2, fc.option(fc.stringMatching(/^[0-9]{1,9}$/), { nil: undefined }), fc.boolean()), { nil: undefined }),
      )
      .map(([y, m, d, time]) => `${y}-${m}-${d}${time ? `${time[0]}${time[1]}:${time[2]}:${time[3]}${time[4] ? `.${time[4]}` : ''}${time[5] ? 'Z' : ''}` : ''}`);
    fc.assert(
      fc.property(fc.oneof(shaped, fc.string()), (text) => {
        expect(parseInstant(text)).toBe(parseInstantGeneral(text));
      }),
      { numRuns: 20_000 },
    );
  });

  it('reads integer epochs in s and ms', () => {
    expect(parseEpoch('1709294400', 's')).toBe(Date.UTC(2024, 2, 1, 12));
    expect(parseEpoch('1709294400000', 'ms')).toBe(Date.UTC(2024, 2, 1, 12));
    expect(parseEpoch('1.5', 's')).toBeUndefined();
  });
});
