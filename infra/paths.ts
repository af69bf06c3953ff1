// Repository paths for the CDK app (entries of the Lambdas, the trainer's Docker build context).
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
