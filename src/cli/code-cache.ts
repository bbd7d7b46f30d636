/**
 * require() for the bundled CLI (dist/bundle/*.cjs) with V8's code cache: what V8
 * compiled while a run executed a bundle is saved beside it, and the next run takes the
 * compiled code from there instead of parsing and compiling the source again. Node 22
 * does this itself (module.enableCompileCache); Node 20 offers it only for scripts, hence
 * CommonJS bundles compiled here as a script.
 *
 * A saved cache is used only for the same source (its CRC-32 names the file) and the same
 * V8 flags (V8 rejects it otherwise, and it is then written anew). A cache that cannot be
 * read or written is no error: the run compiles the source as require() would.
 */
import { mkdirSync, readdirSync, readFileSync, realpathSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire, Module } from 'node:module';
import { basename, dirname, join } from 'node:path';
import { Script } from 'node:vm';
import * as zlib from 'node:zlib';

/** Where the caches live: git-ignored with the rest of dist/, left out of the package (package.json "files"). */
const CACHE_DIR = '.code-cache';

type Wrapper = (exports: unknown, require: NodeJS.Require, module: Module, filename: string, dirname: string) => void;

/** Node's own list of node_modules folders a module in `dir` resolves packages from. */
const nodeModulePaths = (Module as unknown as { _nodeModulePaths(dir: string): string[] })._nodeModulePaths;

export function requireCached(path: string): unknown {
  // require() keys its cache by the real path: the same key lets a later require() of
  // this file (oclif's, or one bundle's of the other) find this module.
  const filename = realpathSync(path);
  const require = createRequire(filename);
  const loaded = require.cache[filename];
  if (loaded) return loaded.exports;

  const bytes = readFileSync(filename);
  // The bytes', not the decoded string's: a string is encoded again to be summed.
  const name = `${basename(filename)}-${checksum(bytes)}-${checksum(Buffer.from(v8Settings()))}`;
  const cacheFile = join(dirname(filename), CACHE_DIR, name);
  let cachedData: Buffer | undefined;
  try {
    cachedData = readFileSync(cacheFile);
  } catch {
    // Not written yet, or not readable: compile from the source.
  }
  const script = new Script(Module.wrap(bytes.toString('utf8')), {
    filename,
    cachedData,
  });

  const module = new Module(filename) as Module & { importDynamically?: (specifier: string) => Promise<unknown> };
  module.filename = filename;
  // The bundle's import() calls (scripts/bundle-cli.js, routeDynamicImports). One of a
  // bundle beside this one (knex.cjs) is compiled with its code cache too, and answers as
  // import() of a CommonJS module does: its exports are the namespace's `default`.
  module.importDynamically = (specifier) =>
    specifier.startsWith('./') && specifier.endsWith('.cjs') ? Promise.resolve({ default: requireCached(join(dirname(filename), specifier)) }) : import(specifier);
  module.paths = nodeModulePaths(dirname(filename));
  require.cache[filename] = module;
  try {
    (script.runInThisContext() as Wrapper).call(module.exports, module.exports, require, module, filename, dirname(filename));
  } catch (err) {
    delete require.cache[filename];
    throw err;
  }
  module.loaded = true;

  // At exit, so that the cache holds the functions this run compiled, not only the top level.
  if (cachedData === undefined || script.cachedDataRejected) process.once('exit', () => save(script, cacheFile));
  return module.exports;
}

/** What V8 checks a cache against besides the source: its version and flags, which NODE_OPTIONS and node's arguments can set. */
function v8Settings(): string {
  return [process.version, ...process.execArgv, process.env['NODE_OPTIONS'] ?? ''].join('\n');
}

function save(script: Script, cacheFile: string): void {
  try {
    const dir = dirname(cacheFile);
    mkdirSync(dir, { recursive: true });
    // Caches of this file's earlier sources: never read again.
    const [file, sourceHash] = basename(cacheFile).split('-');
    for (const old of readdirSync(dir)) if (old.startsWith(`${file}-`) && !old.startsWith(`${file}-${sourceHash}-`)) rmSync(join(dir, old), { force: true });
    // Written aside and renamed, so that a run starting meanwhile reads a whole cache or none.
    const partial = `${cacheFile}.${process.pid}`;
    writeFileSync(partial, script.createCachedData());
    renameSync(partial, cacheFile);
  } catch {
    // An installation this user cannot write to: runs compile from the source.
  }
}

/**
 * CRC-32 of the bytes, ~2 ms for a bundle; zlib.crc32 came with Node 20.15, and before it
 * an MD5 (a few ms more) names the cache, so `engines` can stay >= 20.
 */
function checksum(bytes: Buffer): string {
  const crc32 = (zlib as { crc32?: (data: Buffer) => number }).crc32;
  if (crc32 === undefined) {
    // Loaded only then: node:crypto costs every other start its load time.
    const { createHash } = createRequire(import.meta.url)('node:crypto') as typeof import('node:crypto');
    return createHash('md5').update(bytes).digest('hex').slice(0, 8);
  }
  return crc32(bytes).toString(16).padStart(8, '0');
}
