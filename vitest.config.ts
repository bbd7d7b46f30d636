import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Engine tests each make their own schema, but two cores are all a machine has.
    maxWorkers: 2,
  },
});
