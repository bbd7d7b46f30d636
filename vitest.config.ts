import { defineConfig } from 'vitest/config';

// Three kinds of test, as vitest projects, so one kind can run alone
// (`npx vitest run --project unit`):
// - unit: pure functions, no database and no CLI; seconds.
// - cli: runs the built CLI (`npm run build` first), in-process or as a child process.
// - engine: everything else, the library and drivers on SQLite, PostgreSQL and MariaDB.
//   It is the catch-all, so a new test file always runs somewhere.
const UNIT = [
  'test/time/**/*.test.ts',
  'test/metadata/**/*.test.ts',
  'test/io/**/*.test.ts',
  'test/structure/**/*.test.ts',
  'test/sql/**/*.test.ts',
  'test/pit/as-of-merge.test.ts',
  'test/core/**/*.test.ts',
  'test/util/**/*.test.ts',
  'test/import/values.test.ts',
  'test/parquet/writer.test.ts',
  'test/validate/rules.test.ts',
  'test/hardening/fuzz.test.ts',
];
const CLI = [
  'test/cli/**/*.test.ts',
  'test/build/**/*.test.ts',
  'test/pack/**/*.test.ts',
  'test/hardening/bad-inputs.test.ts',
  'test/hardening/failures.test.ts',
  'test/hardening/injection.test.ts',
  'test/hardening/read-only.test.ts',
  'test/hardening/secrets.test.ts',
  'test/import/import.test.ts',
  'test/import/kill.test.ts',
  'test/parquet/parquet.test.ts',
  'test/validate/validate.test.ts',
];

// The property suite runs three times: in the machine's zone and east and west of UTC,
// because naive times must mean UTC whatever the process's TZ is.
const TZ_SUITES = ['test/pit/**/*.test.ts'];

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Engine tests each make their own schema, but two cores are all a machine has.
    maxWorkers: 2,
    // The bundled CLI (dist/bundle/, see test/support/cli.ts) runs as Node runs it: vite's
    // transform would reroute oclif's own import() of each command through vite's loader.
    server: { deps: { external: [/\/dist\/bundle\//] } },
    projects: [
      { extends: true, test: { name: 'unit', include: UNIT } },
      { extends: true, test: { name: 'cli', include: CLI } },
      { extends: true, test: { name: 'engine', include: ['test/**/*.test.ts'], exclude: [...UNIT, ...CLI] } },
      { extends: true, test: { name: 'tz-east', include: TZ_SUITES, env: { TZ: 'Asia/Kolkata' } } },
      { extends: true, test: { name: 'tz-west', include: TZ_SUITES, env: { TZ: 'America/Los_Angeles' } } },
    ],
  },
});
