import { defineConfig } from 'vitest/config';

/** Whole-system tests: real training, the local state machine, cdk synth, a browser. `npm test` runs every project. */
const SYSTEM = [
  'test/e2e/**/*.test.ts',
  'test/**/power-planted.test.ts',
  'test/pipeline/steps.test.ts',
  'test/infra/cdk-synth.test.ts',
  'test/report/science.test.ts',
  'test/report/browser.test.ts',
];

export default defineConfig({
  test: {
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // tfjs-wasm and rdkit hold large wasm heaps; forks keep them isolated per file.
    pool: 'forks',
    // The SDK's notice that releases after January 2027 need Node 22 (the lockfile pins one that runs on 20).
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    // `npm run test:unit` runs the fast project alone (vitest run --project unit).
    projects: [
      { extends: true, test: { name: 'unit', include: ['test/**/*.test.ts'], exclude: SYSTEM } },
      { extends: true, test: { name: 'system', include: SYSTEM } },
    ],
  },
});
