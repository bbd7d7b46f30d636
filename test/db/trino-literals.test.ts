/**
 * The Trino literal renderer is the injection boundary of the Trino engine: values reach
 * the cluster as EXECUTE IMMEDIATE … USING literals, so each must be one token that ends
 * exactly where the renderer says. Pure, no cluster needed.
 */
import { describe, expect, it } from 'vitest';
import { renderLiteral, withParameters } from '../../src/db/trino/trino-literals.js';
import { trinoConnection } from '../../src/db/trino/trino-connection.js';

describe('Trino literals', () => {
  it('renders each supported type as one typed literal', () => {
    expect(renderLiteral(null)).toBe('NULL');
    expect(renderLiteral(true)).toBe('TRUE');
    expect(renderLiteral(12)).toBe("BIGINT '12'");
    expect(renderLiteral(-1.5)).toBe("DOUBLE '-1.5'");
    expect(renderLiteral(1e-7)).toBe("DOUBLE '1e-7'");
    expect(renderLiteral(2n ** 70n)).toBe("DECIMAL '1180591620717411303424'");
    expect(renderLiteral(new Date(Date.UTC(2024, 2, 1, 12, 0, 0, 5)))).toBe("TIMESTAMP '2024-03-01 12:00:00.005 UTC'");
  });

  it("doubles every quote, so a value cannot close its literal: x'; DROP TABLE t; --", () => {
    expect(renderLiteral("x'; DROP TABLE t; --")).toBe("'x''; DROP TABLE t; --'");
    expect(renderLiteral("''")).toBe("''''''");
    expect(renderLiteral('a\\')).toBe("'a\\'");
  });

  it('refuses what it cannot render exactly, instead of stringifying it', () => {
    for (const bad of [Number.NaN, Number.POSITIVE_INFINITY, {}, [1], Symbol('s'), new Date(Number.NaN)]) {
      expect(() => renderLiteral(bad)).toThrow(/cannot be sent to Trino as a parameter/);
    }
  });

  it('sends a statement without parameters as is, and one with parameters through EXECUTE IMMEDIATE', () => {
    expect(withParameters('SELECT 1', [])).toBe('SELECT 1');
    expect(withParameters("SELECT ? FROM t WHERE k = 'a'", ["o'k"])).toBe(
      "EXECUTE IMMEDIATE 'SELECT ? FROM t WHERE k = ''a''' USING 'o''k'",
    );
  });
});

describe('Trino connections', () => {
  it('reads USER, password, host, port, catalog and schema from a trino:// URL', () => {
    expect(trinoConnection('trino://ana:s%40cret@trino.internal:8443/hive/features?ssl=true')).toEqual({
      server: 'https://trino.internal:8443',
      user: 'ana',
      password: 's@cret',
      catalog: 'hive',
      schema: 'features',
    });
    expect(trinoConnection('trino://ana@127.0.0.1/memory')).toEqual({ server: 'http://127.0.0.1:8080', user: 'ana', catalog: 'memory' });
  });

  it('names what is missing, never the password', () => {
    expect(trinoConnection('trino://127.0.0.1:8080/memory/s')).toBe('expected a user before the host: trino://USER@HOST:PORT/CATALOG/SCHEMA or a mapping with server and user');
    expect(trinoConnection({ server: 'trino.internal', user: 'ana', password: 'p' })).toBe('trino connection.server: expected http://HOST:PORT or https://HOST:PORT');
    expect(trinoConnection({ server: 'http://h:8080', password: 'hunter2' })).toBe('trino connection.user: expected the user name Trino runs the queries as');
  });
});
