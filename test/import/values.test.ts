/** The pure half of import: value parsing per type, header checks, DDL and bind forms per engine. No database. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createTableSql, importColumns, INVALID, matchHeader, parseDelimiter, RowConverter, valueParser, ValueProblem } from '../../src/import/index.js';
import { parseMetadata } from '../../src/metadata/index.js';
import { pluginNamed } from '../../src/db/registry.js';

const sqlite = pluginNamed('sqlite');
const postgres = pluginNamed('postgres');
const mysql = pluginNamed('mysql');

describe('value parsing', () => {
  it.each([
    ['int', '42', 42],
    ['int', ' -7 ', -7],
    ['int', '+0', 0],
    ['int', '9223372036854775807', '9223372036854775807'],
    ['int', '9223372036854775808', INVALID],
    ['int', '1.0', INVALID],
    ['int', '1e3', INVALID],
    ['float', '1e3', 1000],
    ['float', '-.5', -0.5],
    ['float', '5.', 5],
    ['float', 'NaN', INVALID],
    ['float', 'Infinity', INVALID],
    ['float', '1e999', INVALID],
    ['float', '0x10', INVALID],
    ['bool', 'TRUE', true],
    ['bool', 'n', false],
    ['bool', '2', INVALID],
    ['string', ' as is ', ' as is '],
    ['date', '2024-02-29', '2024-02-29'],
    ['date', '2023-02-29', INVALID],
    ['date', '2024-03-01T00:00:00Z', INVALID],
    ['timestamp', '2024-03-01T12:00:00+02:00', Date.UTC(2024, 2, 1, 10)],
    ['timestamp', '2024-03-01 12:00:00.123', Date.UTC(2024, 2, 1, 12, 0, 0, 123)],
    ['timestamp', '2024-03-01', Date.UTC(2024, 2, 1)],
    ['timestamp', '1709294400', INVALID],
  ] as const)('%s %j → %j', (type, text, expected) => {
    expect(valueParser(type, undefined)(text)).toBe(expected);
  });

  it('reads empty fields as NULL; whitespace is empty for every type but string', () => {
    for (const type of ['int', 'float', 'bool', 'date', 'timestamp'] as const) {
      expect(valueParser(type)('')).toBe(null);
      expect(valueParser(type)('  ')).toBe(null);
    }
    expect(valueParser('string')('')).toBe(null);
    expect(valueParser('string')(' ')).toBe(' ');
  });

  it('reads epochs in the unit of an epoch column, and refuses sub-second instants for seconds', () => {
    expect(valueParser('timestamp', 's')('1709294400')).toBe(1709294400000);
    expect(valueParser('timestamp', 'ms')('1709294400123')).toBe(1709294400123);
    expect(valueParser('timestamp', 's')('2024-03-01T12:00:00Z')).toBe(1709294400000);
    expect(valueParser('timestamp', 's')('2024-03-01T12:00:00.5Z')).toBe(INVALID);
  });

  it('round-trips every safe integer and every finite double through their text', () => {
    fc.assert(fc.property(fc.maxSafeInteger(), (n) => valueParser('int')(String(n)) === n));
    // String(-0) is "0": === keeps that one case equal.
    fc.assert(fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (x) => valueParser('float')(String(x)) === x));
    fc.assert(fc.property(fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }), (n) => String(valueParser('int')(n.toString())) === n.toString()));
  });

  it('reads --delimiter, with \\t and tab meaning a tab', () => {
    expect(parseDelimiter(undefined)).toBe(',');
    expect(parseDelimiter('\\t')).toBe('\t');
    expect(parseDelimiter('tab')).toBe('\t');
    expect(parseDelimiter(';')).toBe(';');
    expect(() => parseDelimiter('"')).toThrow('delimiter: expected a separator such as ; or | or \\t, got "\\""');
  });
});

const md = parseMetadata(
  `version: 1
entities: [{name: user, key: user_id, type: int}]
groups:
  - name: account
    entity: user
    table: accounts
    event_time: updated_at
    event_time_unit: s
    created_time: loaded_at
    features:
      - {name: balance, type: float, column: bal}
      - {name: active, type: bool}
`,
  { path: 'metadata.yml', file: '/x/metadata.yml', env: {} },
);
const group = md.groups[0]!;
const columns = importColumns(group);

describe('header and rows', () => {
  it('lists the group columns with what they are', () => {
    expect(columns.map((c) => [c.name, c.type, c.unit, c.required])).toEqual([
      ['user_id', 'int', undefined, true],
      ['updated_at', 'timestamp', 's', true],
      ['loaded_at', 'timestamp', 's', false],
      ['bal', 'float', undefined, false],
      ['active', 'bool', undefined, false],
    ]);
  });

  it('maps header positions in any order', () => {
    expect(matchHeader('f.csv', ['active', 'bal', 'loaded_at', 'updated_at', 'user_id'], columns, group)).toEqual([4, 3, 2, 1, 0]);
  });

  it('names every header problem, one line each', () => {
    expect(() => matchHeader('f.csv', ['user_id', 'user_id', 'updated_at', 'balance', 'activ'], columns, group)).toThrow(
      [
        'f.csv:1: duplicate column "user_id" in the header',
        'f.csv:1: unknown column "balance" (feature account.balance is stored in column "bal": name the header after the column)',
        'f.csv:1: unknown column "activ" (did you mean "active"?)',
        'f.csv:1: missing column "loaded_at" (the created time of group account)',
        'f.csv:1: missing column "bal" (feature account.balance)',
        'f.csv:1: missing column "active" (feature account.active)',
      ].join('\n'),
    );
  });

  it('converts a row, storing seconds for an epoch-seconds column, and names the column and value of a bad one', () => {
    const convert = new RowConverter(columns, [0, 1, 2, 3, 4]);
    expect(convert.convert(['7', '2024-03-01T12:00:00Z', '', '1.5', 'yes'])).toEqual([7, 1709294400, null, 1.5, true]);
    expect(() => convert.convert(['7', '2024-03-01', '', 'abc', ''])).toThrow(new ValueProblem('bal: "abc" is not a float', 'bal', 'abc'));
    expect(() => convert.convert(['7', '', '', '', ''])).toThrow('updated_at: missing value (the event time of group account cannot be empty)');
  });
});

describe('per engine', () => {
  it('creates tables with each engine\'s types', () => {
    expect(createTableSql(sqlite, 'accounts', columns)).toBe(
      'CREATE TABLE "accounts" ("user_id" INTEGER NOT NULL, "updated_at" INTEGER NOT NULL, "loaded_at" INTEGER, "bal" REAL, "active" BOOLEAN)',
    );
    expect(createTableSql(postgres, 'app.accounts', columns)).toBe(
      'CREATE TABLE "app"."accounts" ("user_id" bigint NOT NULL, "updated_at" bigint NOT NULL, "loaded_at" bigint, "bal" double precision, "active" boolean)',
    );
    expect(createTableSql(mysql, 'accounts', columns)).toBe(
      'CREATE TABLE `accounts` (`user_id` BIGINT NOT NULL, `updated_at` BIGINT NOT NULL, `loaded_at` BIGINT, `bal` DOUBLE, `active` BOOLEAN)',
    );
    const types = ['int', 'float', 'bool', 'string', 'timestamp', 'date'] as const;
    expect(types.map((t) => sqlite.adapter.columnType(t))).toEqual(['INTEGER', 'REAL', 'BOOLEAN', 'TEXT', 'TEXT', 'TEXT']);
    expect(types.map((t) => postgres.adapter.columnType(t))).toEqual(['bigint', 'double precision', 'boolean', 'text', 'timestamp with time zone', 'date']);
    expect(types.map((t) => mysql.adapter.columnType(t))).toEqual(['BIGINT', 'DOUBLE', 'BOOLEAN', 'TEXT', 'DATETIME(3)', 'DATE']);
  });

  it('binds timestamps as text each UTC session reads as the same instant', () => {
    const t = Date.UTC(2024, 2, 1, 10, 0, 0, 250);
    expect(sqlite.adapter.bindValue(t, 'timestamp')).toBe('2024-03-01T10:00:00.250Z');
    expect(postgres.adapter.bindValue(t, 'timestamp')).toBe('2024-03-01 10:00:00.250+00');
    expect(mysql.adapter.bindValue(t, 'timestamp')).toBe('2024-03-01 10:00:00.250');
    expect([sqlite, postgres, mysql].map((d) => d.adapter.bindValue(true, 'bool'))).toEqual([1, true, 1]);
    expect(sqlite.adapter.bindValue('9223372036854775807', 'int')).toBe(9223372036854775807n);
    expect(postgres.adapter.bindValue(null, 'timestamp')).toBe(null);
  });
});
