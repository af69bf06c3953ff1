// A job that requires a GPU fails, saying why, when tfjs loads no GPU backend (no silent fallback to wasm).
import { describe, expect, it } from 'vitest';
import { checkRequiredDevice, loadBackend } from '../../lib/model/backend.ts';

describe('MTLC_REQUIRE_DEVICE', () => {
  it('refuses a CPU backend when a GPU is required, and accepts it otherwise', async () => {
    const loaded = await loadBackend();
    expect(() => checkRequiredDevice(loaded, undefined)).not.toThrow();
    if (loaded.backend === 'tensorflow' && !loaded.device.startsWith('cpu')) return; // a machine with a GPU
    expect(() => checkRequiredDevice(loaded, 'gpu')).toThrow(new RegExp(`requires a GPU \\(MTLC_REQUIRE_DEVICE=gpu\\) but tfjs loaded the ${loaded.backend} backend`));
    expect(() => checkRequiredDevice({ ...loaded, backend: 'tensorflow', device: 'Tesla T4' }, 'gpu')).not.toThrow();
    expect(() => checkRequiredDevice({ ...loaded, backend: 'tensorflow', device: 'cpu (EPYC)' }, 'gpu')).toThrow(/requires a GPU/);
  });

  it('is checked by loadBackend itself, from the environment', async () => {
    const before = process.env.MTLC_REQUIRE_DEVICE;
    process.env.MTLC_REQUIRE_DEVICE = 'gpu';
    try {
      const loaded = await loadBackend().catch((err: Error) => err);
      if (loaded instanceof Error) expect(loaded.message).toMatch(/requires a GPU/);
      else expect(loaded.backend).toBe('tensorflow');
    } finally {
      if (before === undefined) delete process.env.MTLC_REQUIRE_DEVICE;
      else process.env.MTLC_REQUIRE_DEVICE = before;
    }
  });
});
