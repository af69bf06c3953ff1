import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // tfjs-wasm and rdkit hold large wasm heaps; forks keep them isolated per file.
    pool: 'forks',
  },
});
