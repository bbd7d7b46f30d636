/** How a labels query's values are written, and how rows sharing a time and key are ordered (SPEC §8). Pure: no database. */
import { describe, expect, it } from 'vitest';
import { compareLabelFields, labelValueText, TieOrder } from '../../src/io/label-values.js';

describe('labelValueText', () => {
  it('writes native date-times from a UTC session as ISO 8601 UTC, milliseconds cut as parseInstant does', () => {
    const t = labelValueText('timestamp');
    expect(t('2024-03-01 12:00:00')).toBe('2024-03-01T12:00:00.000Z');
    expect(t('2024-03-01 12:00:00+00')).toBe('2024-03-01T12:00:00.000Z');
    expect(t('2024-03-01 12:00:00.5+00')).toBe('2024-03-01T12:00:00.500Z');
    expect(t('2024-03-01 12:00:00.123456')).toBe('2024-03-01T12:00:00.123Z');
    expect(t('2024-03-01 14:00:00+02:00')).toBe('2024-03-01T12:00:00.000Z');
    expect(t('2024-03-01 12:00:00.250')).toBe('2024-03-01T12:00:00.250Z');
    expect(t('2024-03-01T12:00:00.250')).toBe('2024-03-01T12:00:00.250Z');
    // 23 characters, but not the milliseconds shape: read as any other text.
    expect(t('2024-03-01 12:00:00.5Z+')).toBe('2024-03-01 12:00:00.5Z+');
    expect(t('2024-03-01 12:00:00+0000')).toBe('2024-03-01T12:00:00.000Z');
    // Trino's text of a timestamp with time zone in UTC, at any precision.
    expect(t('2024-03-01 12:00:00.001 UTC')).toBe('2024-03-01T12:00:00.001Z');
    expect(t('1969-12-31 23:59:59.999999 UTC')).toBe('1969-12-31T23:59:59.999Z');
    expect(t('2024-03-01 12:00:00 UTC')).toBe('2024-03-01T12:00:00.000Z');
    expect(t('infinity')).toBe('infinity');
    expect(t(null)).toBe('');
  });
  it('writes dates as YYYY-MM-DD, decimals as the shortest number, plain values by their JS type', () => {
    expect(labelValueText('date')('2024-03-01')).toBe('2024-03-01');
    expect(labelValueText('decimal')('1.50')).toBe('1.5');
    expect(labelValueText('decimal')('-0.000')).toBe('0');
    const plain = labelValueText('plain');
    expect([plain(1.25), plain(10), plain(true), plain(false), plain(12345678901234567890n), plain('a,b'), plain(null), plain(Buffer.from('é'))]).toEqual([
      '1.25',
      '10',
      'true',
      'false',
      '12345678901234567890',
      'a,b',
      '',
      'é',
    ]);
  });
});

describe('ties', () => {
  it('compares fields column by column by code point, whatever the case or the length', () => {
    expect(compareLabelFields(['a', 'z'], ['b', 'a'])).toBeLessThan(0);
    expect(compareLabelFields(['A'], ['a'])).toBeLessThan(0);
    expect(compareLabelFields(['10'], ['9'])).toBeLessThan(0);
    expect(compareLabelFields(['\u{1F600}'], ['\uFFFD'])).toBeGreaterThan(0);
    expect(compareLabelFields(['x', ''], ['x', ''])).toBe(0);
  });
  it('orders each run of rows that share a key, and only within it', () => {
    const order = new TieOrder<{ k: number; f: string[] }>((a, b) => a.k === b.k, (r) => r.f);
    const out: { k: number; f: string[] }[] = [];
    for (const row of [
      { k: 1, f: ['y'] },
      { k: 1, f: ['x'] },
      { k: 2, f: ['b'] },
      { k: 3, f: ['z'] },
      { k: 3, f: ['a'] },
    ])
      order.push(row, out);
    expect(out.map((r) => r.f[0])).toEqual(['x', 'y', 'b']);
    order.flush(out);
    expect(out.map((r) => r.f[0])).toEqual(['x', 'y', 'b', 'a', 'z']);
  });
});
