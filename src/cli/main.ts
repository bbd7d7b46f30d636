/**
 * oclif as the CLI runs it: scripts/bundle-cli.js bundles this module, and each command
 * beside it, into dist/bundle/, where the commands share this one copy of @oclif/core.
 * Loading a few bundled files instead of some 340 modules (oclif, yaml, ajv and ours) is
 * most of a start-up: see docs/benchmarks.md, "Start-up". bin/run.js and the tests'
 * in-process runner take oclif from the bundle, so what runs the commands is the copy they
 * were bundled with.
 */
export { Config, execute, flush, handle, run } from '@oclif/core';
