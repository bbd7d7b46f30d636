#!/usr/bin/env node
import { fileURLToPath } from 'node:url';
import { requireCached } from '../dist/cli/code-cache.js';

// @oclif/core checks the running Node against its own `engines` on every start, which
// loads all of semver (52 files, ~6% of `spellbook --help`'s CPU); npm already checks
// ours (>=20) at install. Set before oclif loads (cli.cjs, below).
process.env.OCLIF_DISABLE_ENGINE_WARNING ??= 'true';
// oclif and the commands bundled (scripts/bundle-cli.js), compiled with V8's code cache
// (src/cli/code-cache.ts): `--help` loads cli.cjs, a command commands.cjs too.
const cli = requireCached(fileURLToPath(new URL('../dist/bundle/cli.cjs', import.meta.url)));
cli.loadCommandsWith(requireCached);

await cli.execute({ dir: import.meta.url });
