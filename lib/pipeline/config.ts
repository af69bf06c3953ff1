// Reading and validating a run's config.json: one place, used by the trigger and by every step.
import type { RunConfig } from '../config.ts';
import { parseRunConfigText } from '../config.ts';
import { ConfigError, InputError } from '../errors.ts';
import { runLayout } from '../layout.ts';
import type { StepContext } from './context.ts';
import { checkRunFileNames } from './runFiles.ts';

export type ConfigValidation = { ok: true; config: RunConfig } | { ok: false; errors: { field: string; message: string }[] };

/** Validates config text as uploaded to a run's folder, without throwing: the trigger turns errors into status.json. */
export function validateConfigText(text: string): ConfigValidation {
  try {
    const config = parseRunConfigText(text, 'config.json');
    checkRunFileNames(config);
    return { ok: true, config };
  } catch (err) {
    if (err instanceof ConfigError) return { ok: false, errors: err.issues };
    throw err;
  }
}

export async function readRunConfig(ctx: StepContext): Promise<RunConfig> {
  const key = runLayout(ctx.runId).config;
  const bytes = await ctx.store.get(key);
  if (bytes === undefined) throw new InputError({ file: ctx.store.describe(key) }, 'the run has no config.json');
  const config = parseRunConfigText(Buffer.from(bytes).toString('utf8'), ctx.store.describe(key));
  checkRunFileNames(config);
  return config;
}
