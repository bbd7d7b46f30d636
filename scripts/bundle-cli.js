// Bundles the CLI into dist/bundle/ after tsc has compiled src/ to dist/ (`npm run build`):
// dist/bundle/cli.js is @oclif/core (src/cli/main.ts), dist/bundle/commands/ one module per
// command, as oclif's pattern discovery expects them, and code two of them share goes to
// chunks beside cli.js. `spellbook --help` then loads cli.js and its chunks only; a command
// adds its own module and what it imports.
//
// Kept out of the bundle: the database drivers (native code, or modules that load their
// dialects by name at run time), loaded from node_modules when an engine is opened; and
// TypeScript and ts-node, which oclif only asks for when run from .ts sources.
import { build } from 'esbuild';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const DRIVERS = ['better-sqlite3', 'knex', 'pg', 'pg-copy-streams', 'pg-query-stream', 'mysql2', 'trino-client', '@duckdb/node-api'];
const DEVELOPMENT = ['typescript', 'ts-node'];

function files(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : path.endsWith('.js') ? [path] : [];
  });
}

const commands = Object.fromEntries(files('dist/commands').map((path) => [relative('dist', path).replace(/\.js$/, ''), path]));

await build({
  entryPoints: {
    cli: 'dist/cli/main.js',
    ...commands,
    'command-not-found': 'dist/hooks/command-not-found.js',
    'merge-worker': 'dist/pit/merge-worker.js',
  },
  outdir: 'dist/bundle',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  external: [...DRIVERS, ...DEVELOPMENT],
  // Every start reads, decodes and scans the source of what it loads (about 1 MB for
  // `get meta`): without the indentation and comments that is a third less. Only
  // whitespace: names and code stay as written, so error messages and class names do too.
  minifyWhitespace: true,
  // oclif and some of its dependencies are CommonJS: give their require() and __dirname
  // what Node gives a CommonJS module, relative to the bundle's own file.
  banner: {
    js: [
      "import { createRequire as __sbCreateRequire } from 'node:module';",
      "import { dirname as __sbDirname } from 'node:path';",
      "import { fileURLToPath as __sbFileURLToPath } from 'node:url';",
      'const require = __sbCreateRequire(import.meta.url);',
      'const __filename = __sbFileURLToPath(import.meta.url);',
      'const __dirname = __sbDirname(__filename);',
    ].join('\n'),
  },
  logLevel: 'warning',
});

// `new URL('…', import.meta.url)` (the merge worker) resolves from
// dist/<folder>/ after tsc, and from dist/bundle/ here only in files directly in it: a
// command's own module, one folder deeper, must not carry one.
for (const path of files('dist/bundle/commands')) {
  if (/new URL\([^;]*import\.meta\.url/.test(readFileSync(path, 'utf8'))) {
    throw new Error(`${path} holds import.meta.url, which would resolve from dist/bundle/commands/: move that code into a module two commands share`);
  }
}
