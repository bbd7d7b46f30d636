#!/usr/bin/env node
// @oclif/core checks the running Node against its own `engines` on every start, which
// loads all of semver (52 files, ~6% of `spellbook --help`'s CPU); npm already checks
// ours (>=20) at install. Set before oclif loads, hence the dynamic import.
process.env.OCLIF_DISABLE_ENGINE_WARNING ??= 'true';
const { execute } = await import('@oclif/core');

await execute({ dir: import.meta.url });
