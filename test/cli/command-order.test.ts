/**
 * The bundled oclif orders each plugin's commands with src/cli/command-order.ts instead of
 * localeCompare: the order must be localeCompare's in a process started under any locale,
 * whichever way byCommandId takes.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { byCommandId, rootOrderLocale } from '../../src/cli/command-order.js';
import { ROOT } from '../support/cli.js';

const CLI = join(ROOT, 'dist', 'bundle', 'cli.cjs');

/** Each plugin's command ids as the bundled oclif loads them, and as localeCompare sorts them, in a process with `env`'s locale variables. */
function orders(env: Record<string, string>): { loaded: string[][]; localeOrder: string[][] } {
  const script = `
    const { Config } = require(${JSON.stringify(CLI)});
    Config.load(${JSON.stringify(ROOT)}).then((config) => {
      const loaded = [...config.plugins.values()].map((p) => p.commands.map((c) => c.id));
      const localeOrder = loaded.map((ids) => [...ids].sort((a, b) => a.localeCompare(b)));
      console.log(JSON.stringify({ loaded, localeOrder }));
    });`;
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !['LC_ALL', 'LC_MESSAGES', 'LANG'].includes(k)));
  const out = execFileSync(process.execPath, ['-e', script], { env: { ...base, ...env }, encoding: 'utf8' });
  return JSON.parse(out) as { loaded: string[][]; localeOrder: string[][] };
}

describe('command order', () => {
  // Ten process start-ups on a busy two-core machine.
  it("is localeCompare's order under every kind of locale setting", { timeout: 120_000 }, () => {
    const envs: Record<string, string>[] = [
      {},
      { LANG: 'C.UTF-8' },
      { LANG: 'en_US.UTF-8' },
      { LANG: 'en_GB' },
      { LC_ALL: 'POSIX', LANG: 'haw_US.UTF-8' },
      // Hawaiian sorts vowels first: "import" before "get:meta".
      { LANG: 'haw_US.UTF-8' },
      { LC_MESSAGES: 'haw_US.UTF-8', LANG: 'en_US.UTF-8' },
      { LC_ALL: 'haw', LANG: 'C' },
      { LC_ALL: '', LANG: 'haw' },
      { LANG: 'da_DK.UTF-8' },
    ];
    for (const env of envs) {
      const { loaded, localeOrder } = orders(env);
      expect(loaded.flat(), JSON.stringify(env)).toContain('get:meta');
      expect(loaded, JSON.stringify(env)).toEqual(localeOrder);
    }
    // The check can see the difference it guards against.
    const hawaiian = orders({ LANG: 'haw_US.UTF-8' }).localeOrder.find((ids) => ids.includes('get:meta'));
    expect(hawaiian!.indexOf('import')).toBeLessThan(hawaiian!.indexOf('get:meta'));
  });

  it('takes code-unit order only for locales that sort like ICU root, and plain ids', () => {
    expect(rootOrderLocale({})).toBe(true);
    for (const name of ['C', 'POSIX', 'C.UTF-8', 'en', 'en_US.UTF-8', 'en_GB.ISO-8859-1']) expect(rootOrderLocale({ LANG: name }), name).toBe(true);
    for (const name of ['', 'haw_US.UTF-8', 'da_DK', 'en_US_POSIX', 'en_US.UTF-8@euro', 'de_DE.UTF-8']) expect(rootOrderLocale({ LANG: name }), name).toBe(false);
    // The first variable set decides, as for ICU, even when it is empty.
    expect(rootOrderLocale({ LC_ALL: 'haw', LANG: 'C' })).toBe(false);
    expect(rootOrderLocale({ LC_MESSAGES: 'da', LANG: 'C' })).toBe(false);
    expect(rootOrderLocale({ LC_ALL: '', LANG: 'C' })).toBe(false);
    expect(rootOrderLocale({ LC_ALL: 'C', LANG: 'haw' })).toBe(true);

    const sort = (ids: string[], env: NodeJS.ProcessEnv) => ids.map((id) => ({ id })).sort(byCommandId(env)).map((c) => c.id);
    expect(sort(['b', 'a:b', 'a', 'ab'], { LANG: 'C' })).toEqual(['a', 'a:b', 'ab', 'b']);
    // Upper case and digits are not plain: localeCompare, which sorts "a" before "B" where code units would not.
    expect(sort(['B', 'a'], { LANG: 'C' })).toEqual(['a', 'B']);
    // Another locale: localeCompare under this process's own locale, as oclif sorts.
    expect(sort(['B', 'a', 'get:meta'], { LANG: 'haw' })).toEqual(['B', 'a', 'get:meta'].sort((a, b) => a.localeCompare(b)));
  });
});
