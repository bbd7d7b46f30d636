// Bundles the CLI into dist/bundle/ after tsc has compiled src/ to dist/ (`npm run build`):
//
// - dist/bundle/cli.cjs: all of @oclif/core, for the commands, bin/run.js and the tests'
//   in-process runner alike, and oclif's view of the commands,
//   `COMMANDS` and the `commandNotFound` hook (package.json "oclif"), which load
//   commands.cjs the first time a command or the hook is wanted. `spellbook --help` loads
//   this file only.
// - dist/bundle/commands.cjs: every command, the hook and what they import, each module
//   evaluated on its first require(), so a command runs only its own modules' code. Its
//   `@oclif/core` is cli.cjs, so everything shares one copy of oclif.
// - dist/bundle/merge-worker.js: the join's worker thread, started from its own file
//   (CommonJS: dist/bundle/package.json says so).
// - dist/bundle/knex.cjs: Knex, with the three dialects spellbook opens (knexDialects),
//   loaded by the two bundles when an engine is opened. From node_modules it was 362
//   files (255 of them lodash's) to find, read and compile: 105-190 ms of every command
//   that opens a database, in the main thread and again in a join's worker. A file of its
//   own, so that the commands that open none do not read it or its code cache.
//
// CommonJS, not ES modules, so that bin/run.js can compile the two files with V8's code
// cache (src/cli/code-cache.ts), which Node 20 offers for scripts and not for ES modules.
//
// Kept out of the bundle: the database drivers (native code, or modules that load their
// dialects by name at run time), loaded from node_modules when an engine is opened; and
// TypeScript and ts-node, which oclif only asks for when run from .ts sources.
import { build } from 'esbuild';
import { readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import ts from 'typescript';

const DRIVERS = ['better-sqlite3', 'pg', 'pg-copy-streams', 'pg-query-stream', 'mysql2', 'trino-client', '@duckdb/node-api'];
const DEVELOPMENT = ['typescript', 'ts-node'];
// The drivers of the knex dialects that better-sqlite3's and mysql2's extend: their own
// _driver() requires theirs instead, so these are never loaded (and not installed).
const KNEX_BASE_DRIVERS = ['sqlite3', 'mysql'];

function files(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : path.endsWith('.js') ? [path] : [];
  });
}

// oclif's command ids as its pattern discovery derives them: dist/commands/get/meta.js is `get:meta`.
const commands = files('dist/commands')
  .map((path) => relative('dist/commands', path).replace(/\.js$/, ''))
  .map((path) => ({ id: path.split('/').join(':'), path: `./commands/${path}.js` }));

const CLI = `
export * from '@oclif/core';

let loadCommands = () => require('./commands.cjs');
/** bin/run.js loads commands.cjs as it loaded this file, through V8's code cache. */
export function loadCommandsWith(load) {
  loadCommands = () => load(require('node:path').join(__dirname, 'commands.cjs'));
}

export const COMMANDS = {
${commands.map(({ id }) => `  get ${JSON.stringify(id)}() { return loadCommands().COMMANDS[${JSON.stringify(id)}]; },`).join('\n')}
};

export function commandNotFound(options) {
  return loadCommands().commandNotFound.call(this, options);
}
`;

const COMMANDS = `
export const COMMANDS = {
${commands.map(({ id, path }) => `  get ${JSON.stringify(id)}() { return require(${JSON.stringify(path)}).default; },`).join('\n')}
};

export function commandNotFound(options) {
  return require('./hooks/command-not-found.js').default.call(this, options);
}
`;

rmSync('dist/bundle', { recursive: true, force: true });

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  // Every start reads, decodes and scans the source of what it loads (about 1 MB for
  // `get meta`): without the indentation and comments that is a third less. Only
  // whitespace: names and code stay as written, so error messages and class names do too.
  minifyWhitespace: true,
  logLevel: 'warning',
};

const commonJs = {
  ...common,
  format: 'cjs',
  // As strict as the ES modules they are compiled from.
  banner: { js: `"use strict";const __sbImportMetaUrl=require('node:url').pathToFileURL(__filename).href;` },
  // `new URL('./merge-worker.js', import.meta.url)` then names dist/bundle/merge-worker.js.
  define: { 'import.meta.url': '__sbImportMetaUrl' },
};

// oclif sorts each plugin's command ids with localeCompare when it loads the plugin, on
// every start, which builds ICU's collator: src/cli/command-order.ts sorts them in the same
// order without one where it can. An oclif whose line differs fails the build here, to be
// looked at again.
const LOCALE_SORT = '.sort((a, b) => a.id.localeCompare(b.id));';
const commandOrder = {
  name: 'oclif-command-order',
  setup(b) {
    b.onLoad({ filter: /[\\/]@oclif[\\/]core[\\/]lib[\\/]config[\\/]plugin\.js$/ }, ({ path }) => {
      const text = readFileSync(path, 'utf8');
      if (text.split(LOCALE_SORT).length !== 2) throw new Error(`${path}: expected one "${LOCALE_SORT}" (scripts/bundle-cli.js, commandOrder)`);
      const byCommandId = `.sort(require(${JSON.stringify(resolve('dist/cli/command-order.js'))}).byCommandId());`;
      return { contents: text.replace(LOCALE_SORT, byCommandId), loader: 'js' };
    });
  },
};

// Knex's dialects by client name, each required on first use: only those spellbook's
// engines name (src/db/*/…-connection.ts) are bundled; the others would need their
// drivers (tedious, oracledb, …), which are not installed. Any other line fails the build.
const KNEX_DIALECTS = /^  ('better-sqlite3'|postgres|mysql2): \(\) => require\('\.\/[\w-]+'\),$/;
const knexDialects = {
  name: 'knex-dialects',
  setup(b) {
    b.onLoad({ filter: /[\\/]knex[\\/]lib[\\/]dialects[\\/]index\.js$/ }, ({ path }) => {
      const text = readFileSync(path, 'utf8');
      const entries = text.match(/^  [\w'-]+: \(\) => require\('\.\/[\w-]+'\),$/gm) ?? [];
      const kept = entries.filter((line) => KNEX_DIALECTS.test(line));
      if (kept.length !== 3) throw new Error(`${path}: expected the better-sqlite3, postgres and mysql2 dialects (scripts/bundle-cli.js, knexDialects)`);
      let contents = text;
      for (const line of entries) if (!kept.includes(line)) contents = contents.replace(`${line}\n`, '');
      return { contents, loader: 'js' };
    });
  },
};

// The two bundles' import('knex') loads knex.cjs beside them.
const knexBesideUs = {
  name: 'knex-beside-us',
  setup(b) {
    b.onResolve({ filter: /^knex$/ }, () => ({ path: './knex.cjs', external: true }));
  },
};

await build({
  ...commonJs,
  stdin: { contents: 'module.exports = require("knex");', resolveDir: '.', sourcefile: 'knex.js' },
  outfile: 'dist/bundle/knex.cjs',
  external: [...DRIVERS, ...KNEX_BASE_DRIVERS],
  plugins: [knexDialects],
});

await build({
  ...commonJs,
  stdin: { contents: CLI, resolveDir: 'dist', sourcefile: 'cli.js' },
  outfile: 'dist/bundle/cli.cjs',
  external: ['./commands.cjs', ...DEVELOPMENT],
  plugins: [commandOrder],
});

await build({
  ...commonJs,
  stdin: { contents: COMMANDS, resolveDir: 'dist', sourcefile: 'commands.js' },
  outfile: 'dist/bundle/commands.cjs',
  external: [...DRIVERS, ...DEVELOPMENT],
  plugins: [
    knexBesideUs,
    {
      name: 'oclif-from-cli',
      setup(b) {
        b.onResolve({ filter: /^@oclif\/core$/ }, () => ({ path: './cli.cjs', external: true }));
      },
    },
  ],
});

// CommonJS too, so that each engine's driver is required when that engine is opened: an
// ES module bundle hoists every external import to its top, and the worker loaded pg,
// pg-copy-streams, pg-query-stream, mysql2 and trino-client (with axios) before any join,
// ~0.3 s of its start on SQLite. The file keeps its name, which parallel-merge.ts's URL
// gives (dist/pit/merge-worker.js, as tsc compiled it, is the library's own worker); the
// package.json beside it makes Node read the folder's .js files as CommonJS.
await build({
  ...commonJs,
  entryPoints: { 'merge-worker': 'dist/pit/merge-worker.js' },
  outdir: 'dist/bundle',
  external: [...DRIVERS, ...DEVELOPMENT],
  plugins: [knexBesideUs],
});
writeFileSync('dist/bundle/package.json', `${JSON.stringify({ type: 'commonjs' })}\n`);

// A script compiled with a code cache cannot import() on Node 20 (the callback that
// resolves it is lost with the cache): each import() in the two bundles calls
// __sbImport instead, which src/cli/code-cache.ts gives them as an import() of its own
// (an ES module's), and is import() itself where the bundle is required as usual. Found by
// TypeScript's parser, so that "import(" in a string or comment stays as it is.
function routeDynamicImports(path) {
  const text = readFileSync(path, 'utf8');
  const file = ts.createSourceFile(path, text, ts.ScriptTarget.Latest, false, ts.ScriptKind.JS);
  const starts = [];
  const visit = (node) => {
    if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) starts.push(node.expression.getStart(file));
    ts.forEachChild(node, visit);
  };
  visit(file);
  let routed = text;
  for (const start of starts.sort((a, b) => b - a)) {
    if (routed.slice(start, start + 6) !== 'import') throw new Error(`${path}: no import at ${start}`);
    routed = `${routed.slice(0, start)}__sbImport${routed.slice(start + 6)}`;
  }
  // Added after the search, which would route this import() too.
  const importer = 'const __sbImport=module.importDynamically??((specifier)=>import(specifier));';
  if (!routed.startsWith('"use strict";')) throw new Error(`${path} does not start with the banner`);
  writeFileSync(path, `"use strict";${importer}${routed.slice('"use strict";'.length)}`);
}
routeDynamicImports('dist/bundle/cli.cjs');
routeDynamicImports('dist/bundle/commands.cjs');
