/**
 * The order oclif gives each plugin's commands when it loads the plugin, on every start:
 * by `id.localeCompare` in @oclif/core, which makes the process build ICU's collator
 * (~10 ms of CPU, the largest single cost of `spellbook --help` and `get meta` in oclif's
 * own code). The bundled oclif sorts with `byCommandId` instead (scripts/bundle-cli.js).
 *
 * Where the collator would be ICU's root or English one, code-unit order is the same for
 * ids of lower-case letters and colons (ours and the core plugins'; test/cli/command-order
 * checks it in such processes), so no collator is built. Any other locale, or ids of other
 * characters, sort by localeCompare as in oclif: some locales order them differently
 * (Hawaiian puts vowels first: "import" before "get:meta"), which autocomplete's scripts would show.
 */

/** ICU's default locale is the first of these that is set (an empty value included). */
const LOCALE_VARIABLES = ['LC_ALL', 'LC_MESSAGES', 'LANG'] as const;

/** POSIX locale names whose collation is ICU's root order: C, POSIX and English, with or without a charset. */
const ROOT_ORDER_LOCALE = /^(?:C|POSIX|en(?:_[A-Z]{2})?)(?:\.[\w-]+)?$/;

/** Ids for which root collation and code-unit order agree: lower-case ASCII letters and colons. */
const PLAIN_ID = /^[a-z:]*$/;

interface Identified {
  id: string;
}

/** True when the default collator of a process started with `env` orders plain ids as code units do. */
export function rootOrderLocale(env: NodeJS.ProcessEnv): boolean {
  const name = LOCALE_VARIABLES.map((v) => env[v]).find((value) => value !== undefined);
  return name === undefined || ROOT_ORDER_LOCALE.test(name);
}

/** oclif's comparator of commands, without building a collator where it would not change the order. */
export function byCommandId(env: NodeJS.ProcessEnv = process.env): (a: Identified, b: Identified) => number {
  const localeOrder = (a: Identified, b: Identified) => a.id.localeCompare(b.id);
  if (!rootOrderLocale(env)) return localeOrder;
  return (a, b) => {
    if (!PLAIN_ID.test(a.id) || !PLAIN_ID.test(b.id)) return localeOrder(a, b);
    return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
  };
}
