/** The small text readers behind the loader: SQL statement counting, .env files, ${NAME}. */
import { describe, expect, it } from 'vitest';
import { interpolate, parseDotenv } from '../../src/metadata/env.js';
import { editDistance, suggestion } from '../../src/metadata/problems.js';
import { secondStatementAt, withoutTrailingSemicolon } from '../../src/metadata/statements.js';

describe('secondStatementAt', () => {
  it.each([
    'SELECT 1',
    'SELECT 1;',
    'SELECT 1;  \n  -- trailing comment\n',
    "SELECT ';' AS semi, 'it''s; fine'",
    'SELECT "a;b" FROM t',
    'SELECT `a;b` FROM t',
    'SELECT 1 -- ; not a statement\nFROM t',
    'SELECT 1 /* ; */ FROM t',
    'SELECT $$;$$, $tag$ ; $tag$',
    'SELECT 1; /* only a comment */',
  ])('%j is one statement', (sql) => {
    expect(secondStatementAt(sql)).toBeUndefined();
  });

  it.each([
    ['SELECT 1; SELECT 2', 10],
    ['SELECT 1;DELETE FROM t', 9],
    // Two statements on PostgreSQL, where a backslash does not escape a quote.
    ["SELECT 'a\\'; DROP TABLE t; --'", 13],
    // Two statements on MySQL, where it does.
    ["SELECT 'a\\''; DROP TABLE t", 14],
  ])('%j has a second statement at %i', (sql, at) => {
    expect(secondStatementAt(sql)).toBe(at);
  });

  it('drops a trailing semicolon and what follows it', () => {
    expect(withoutTrailingSemicolon('  SELECT 1 ;  -- done\n')).toBe('SELECT 1');
    expect(withoutTrailingSemicolon("SELECT ';'")).toBe("SELECT ';'");
  });
});

describe('parseDotenv', () => {
  it('reads KEY=VALUE lines, quotes, export and comments', () => {
    const text = [
      '# a comment',
      'PLAIN=value # trailing comment',
      'export EXPORTED = spaced ',
      "SINGLE='lit\\eral # kept'",
      'DOUBLE="line\\nbreak \\"q\\""',
      'EMPTY=',
      'HASH=a#b',
      'not a line',
      '',
    ].join('\r\n');
    expect(parseDotenv(text)).toEqual({
      PLAIN: 'value',
      EXPORTED: 'spaced',
      SINGLE: 'lit\\eral # kept',
      DOUBLE: 'line\nbreak "q"',
      EMPTY: '',
      HASH: 'a#b',
    });
  });
});

describe('interpolate', () => {
  it('replaces set variables, keeps $${ literal and lists unset ones once', () => {
    expect(interpolate('postgres://u:${PW}@${HOST}/db', { PW: 'p', HOST: 'h' })).toEqual({ value: 'postgres://u:p@h/db', missing: [] });
    expect(interpolate('$${PW} ${A}${A} ${B}', { PW: 'p' })).toEqual({ value: '${PW}  ', missing: ['A', 'B'] });
    expect(interpolate('${EMPTY}', { EMPTY: '' })).toEqual({ value: '', missing: [] });
    expect(interpolate('$PW and ${not valid}', { PW: 'p' })).toEqual({ value: '$PW and ${not valid}', missing: [] });
  });
});

describe('suggestion', () => {
  it('suggests a candidate within two edits, preferring the closest', () => {
    expect(editDistance('colum', 'column')).toBe(1);
    expect(editDistance('ttl', 'tlt')).toBe(1);
    expect(suggestion('colum', ['name', 'type', 'column', 'description'])).toBe(' (did you mean "column"?)');
    expect(suggestion('Entity', ['entity', 'entities'])).toBe(' (did you mean "entity"?)');
    expect(suggestion('owner', ['version', 'entities', 'groups'])).toBe('');
    expect(suggestion('x', ['s', 'ms'])).toBe('');
  });
});
