// What a stored point (points/<id>.json) must hold for the analysis to use it: checked on every read.
import { z } from 'zod';
import type { PointResult } from '../types.ts';

const metrics = z.object({
  auroc: z.number().nullable(),
  auprc: z.number().nullable(),
  logloss: z.number().nullable(),
  nTrain: z.number().int().nonnegative(),
  nTest: z.number().int().nonnegative(),
  nTestPositive: z.number().int().nonnegative(),
});

export const StoredPoint = z
  .object({
    id: z.string().min(1),
    spec: z.object({ id: z.string().min(1), split: z.enum(['random', 'scaffold']), fold: z.number().int(), seed: z.number().int(), sizes: z.record(z.string(), z.number()) }).passthrough(),
    metrics: z.record(z.string(), metrics),
    seconds: z.number().nonnegative(),
    steps: z.number().int().nonnegative(),
    finishedAt: z.string(),
  })
  .passthrough()
  .refine((p) => p.id === p.spec.id, { message: 'its id and its spec id differ' }) as unknown as z.ZodType<PointResult>;
