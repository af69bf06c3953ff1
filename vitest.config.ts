import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // tfjs-wasm and rdkit hold large wasm heaps; forks keep them isolated per file.
    pool: 'forks',
    // The SDK's notice that releases after January 2027 need Node 22 (the lockfile pins one that runs on 20).
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
  },
});
