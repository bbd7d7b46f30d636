#!/usr/bin/env node
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { requireCached } from '../dist/cli/code-cache.js';

// @oclif/core checks the running Node against its own `engines` on every start, which
// loads all of semver (52 files, ~6% of `spellbook --help`'s CPU); npm already checks
// ours (>=20) at install. Set before oclif loads (cli.cjs, below).
process.env.OCLIF_DISABLE_ENGINE_WARNING ??= 'true';
// V8 lets the old generation grow to up to 4x what survived the last full collection
// before it collects again. A join's batches live across young collections and are
// promoted, so its old generation is mostly garbage: growing it by half instead held a
// scale-1 join's peak RSS with parquet output from ~350 MB to ~285 MB (docs/benchmarks.md).
setFlagsFromString('--heap-growing-percent=50');
// oclif and the commands bundled (scripts/bundle-cli.js), compiled with V8's code cache
// (src/cli/code-cache.ts): `--help` loads cli.cjs, a command commands.cjs too.
const cli = requireCached(fileURLToPath(new URL('../dist/bundle/cli.cjs', import.meta.url)));
cli.loadCommandsWith(requireCached);

await cli.execute({ dir: import.meta.url });
