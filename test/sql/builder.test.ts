import { describe, expect, it } from 'vitest';
import { param, render, sourceSql, tableSql } from '../../src/sql/builder.js';
import { pluginNamed } from '../../src/db/registry.js';

const sqlite = pluginNamed('sqlite');
const postgres = pluginNamed('postgres');
const mysql = pluginNamed('mysql');

describe('SQL fragments carrying their own parameters', () => {
  it('numbers placeholders in text order, whatever order the fragments were made in', () => {
    const late = param('late');
    const early = param(1);
    const text = `SELECT * FROM t WHERE a = ${early} AND b = ${late}`;
    expect(render(postgres.compiler, text)).toEqual({ sql: 'SELECT * FROM t WHERE a = $1 AND b = $2', parameters: [1, 'late'] });
    expect(render(mysql.compiler, text)).toEqual({ sql: 'SELECT * FROM t WHERE a = ? AND b = ?', parameters: [1, 'late'] });
  });

  it('binds a fragment once per use, and nothing for a fragment left out', () => {
    const x = param(7);
    param('never used');
    expect(render(sqlite.compiler, `${x} + ${x}`)).toEqual({ sql: '? + ?', parameters: [7, 7] });
  });

  it('keeps its values through a dialect expression that repeats its argument', () => {
    // SQLite's epochMs names its argument four times.
    const { sql, parameters } = render(sqlite.compiler, sqlite.compiler.epochMs(param('2024-03-01')));
    expect(sql.match(/\?/g)).toHaveLength(4);
    expect(parameters).toEqual(['2024-03-01', '2024-03-01', '2024-03-01', '2024-03-01']);
  });

  it('round-trips every kind of value, a NUL or a quote inside a string included', () => {
    const values = ['a\u0000b', 'it\'s "x"', '', 0, -1.5, true, false, null, new Date(1709294400123), 12345678901234567890n];
    const { sql, parameters } = render(postgres.compiler, values.map((v) => param(v)).join(', '));
    expect(sql).toBe('$1, $2, $3, $4, $5, $6, $7, $8, $9, $10');
    expect(parameters).toEqual(values);
  });

  it('refuses values no driver binds', () => {
    expect(() => param(undefined)).toThrow('cannot bind a undefined as an SQL parameter');
    expect(() => param({})).toThrow('cannot bind a object as an SQL parameter');
  });

  it('refuses a source query holding a NUL, which would read as a parameter', () => {
    expect(() => sourceSql(sqlite.compiler, { kind: 'query', sql: 'SELECT 1 AS "a\u0000"' }, 'src')).toThrow(
      'a source query holds a NUL character, which no database accepts',
    );
  });

  it('quotes each part of schema.table', () => {
    expect(tableSql(postgres.compiler, 'app.events')).toBe('"app"."events"');
    expect(tableSql(mysql.compiler, 'app.events')).toBe('`app`.`events`');
  });
});
