import { defineConfig } from 'vitest/config';

// The property suite runs three times: in the machine's zone and east and west of UTC,
// because naive times must mean UTC whatever the process's TZ is.
const TZ_SUITES = ['test/pit/**/*.test.ts'];

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Engine tests each make their own schema, but two cores are all a machine has.
    maxWorkers: 2,
    projects: [
      { extends: true, test: { name: 'all', include: ['test/**/*.test.ts'] } },
      { extends: true, test: { name: 'tz-east', include: TZ_SUITES, env: { TZ: 'Asia/Kolkata' } } },
      { extends: true, test: { name: 'tz-west', include: TZ_SUITES, env: { TZ: 'America/Los_Angeles' } } },
    ],
  },
});
