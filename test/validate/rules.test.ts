/** validate's pure parts: each engine's type-fit rules and the report's wording. No database. */
import { describe, expect, it } from 'vitest';
import type { DeclaredType, EngineAdapter } from '../../src/db/dialect.js';
import { renderReport } from '../../src/validate/index.js';
import { pluginNamed } from '../../src/db/registry.js';

const sqlite = pluginNamed('sqlite');
const postgres = pluginNamed('postgres');
const mysql = pluginNamed('mysql');

const fits = (d: EngineAdapter, dbType: string, declared: DeclaredType, scale?: number) =>
  d.typeFits({ name: 'c', dbType, ...(scale === undefined ? {} : { scale }) }, declared);

describe('type fit', () => {
  it.each([
    // [dbType, declared, fits]
    ['bigint', 'int', true],
    ['integer', 'int', true],
    ['numeric', 'int', true],
    ['text', 'int', false],
    ['double precision', 'int', false],
    ['double precision', 'float', true],
    ['integer', 'float', true],
    ['boolean', 'bool', true],
    ['integer', 'bool', false],
    ['character varying', 'string', true],
    ['bigint', 'string', true],
    ['timestamp without time zone', 'string', false],
    ['timestamp with time zone', 'timestamp', true],
    ['timestamp without time zone', 'timestamp', true],
    ['date', 'timestamp', true],
    ['text', 'timestamp', false],
    ['bigint', 'epoch', true],
    ['timestamp with time zone', 'epoch', false],
    ['date', 'date', true],
  ] as const)('postgres %s for %s: %s', (dbType, declared, ok) => expect(fits(postgres.adapter, dbType, declared)).toBe(ok));

  it('postgres and mysql take numeric/decimal for int only with scale 0', () => {
    expect(fits(postgres.adapter, 'numeric', 'int', 0)).toBe(true);
    expect(fits(postgres.adapter, 'numeric', 'int', 2)).toBe(false);
    expect(fits(mysql.adapter, 'decimal', 'int', 0)).toBe(true);
    expect(fits(mysql.adapter, 'decimal', 'int', 2)).toBe(false);
  });

  it.each([
    ['bigint', 'int', true],
    ['tinyint', 'int', true],
    ['varchar', 'int', false],
    ['tinyint', 'bool', true],
    ['bit', 'bool', true],
    ['int', 'bool', false],
    ['double', 'float', true],
    ['text', 'float', false],
    ['datetime', 'timestamp', true],
    ['timestamp', 'timestamp', true],
    ['varchar', 'timestamp', false],
    ['int', 'epoch', true],
    ['datetime', 'epoch', false],
    ['datetime', 'date', true],
    ['longtext', 'string', true],
    ['double', 'string', false],
  ] as const)('mysql %s for %s: %s', (dbType, declared, ok) => expect(fits(mysql.adapter, dbType, declared)).toBe(ok));

  it.each([
    ['integer', 'int', true],
    ['bigint', 'int', true],
    ['text', 'int', false],
    ['real', 'int', false],
    ['numeric', 'int', true],
    ['real', 'float', true],
    ['double', 'float', true],
    ['boolean', 'bool', true],
    ['varchar(20)', 'string', true],
    ['integer', 'string', true],
    ['real', 'string', false],
    ['text', 'timestamp', true],
    ['datetime', 'timestamp', true],
    ['integer', 'timestamp', false],
    ['integer', 'epoch', true],
    ['text', 'epoch', false],
    ['date', 'date', true],
    ['', 'int', true],
    ['', 'timestamp', true],
    ['blob', 'string', false],
  ] as const)('sqlite %j for %s: %s', (dbType, declared, ok) => expect(fits(sqlite.adapter, dbType, declared)).toBe(ok));
});

describe('report', () => {
  it('prints one line per finding, group first, then a summary', () => {
    expect(
      renderReport({
        data: true,
        findings: 2,
        groups: [
          { group: 'account', source: 'table accounts', findings: [{ kind: 'type-mismatch', message: 'column balance is text, declared float' }, { kind: 'null-key', message: '1 row with a NULL key (user_id)' }] },
          { group: 'customer', source: 'table customers', findings: [] },
        ],
      }),
    ).toBe('account: column balance is text, declared float\naccount: 1 row with a NULL key (user_id)\n2 groups checked (schema and data): 2 findings in 1 group\n');
    expect(renderReport({ data: false, findings: 0, groups: [{ group: 'a', source: 'query', findings: [] }] })).toBe('1 group checked: no findings\n');
  });
});
