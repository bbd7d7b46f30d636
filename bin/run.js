#!/usr/bin/env node
// @oclif/core checks the running Node against its own `engines` on every start, which
// loads all of semver (52 files, ~6% of `spellbook --help`'s CPU); npm already checks
// ours (>=20) at install. Set before oclif loads, hence the dynamic import.
process.env.OCLIF_DISABLE_ENGINE_WARNING ??= 'true';
// oclif bundled (src/cli/main.ts, scripts/bundle-cli.js): a few files to load instead of
// some 160 for `--help`.
const { execute } = await import('../dist/bundle/cli.js');

await execute({ dir: import.meta.url });
