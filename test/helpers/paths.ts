// Paths the tests share: the data directory (MTLC_DATA_DIR, else ../shared/data beside the repo) and the fixtures
// (in the repository: test/fixtures, each with its provenance in test/fixtures/README.md).
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const dataDir = process.env.MTLC_DATA_DIR ? path.resolve(process.env.MTLC_DATA_DIR) : path.resolve(repoRoot, '../shared/data');
export const fixturesDir = path.join(repoRoot, 'test/fixtures');
