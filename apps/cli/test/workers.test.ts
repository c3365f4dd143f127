/** `--workers`: what `auto` picks where, explicit counts, and the errors when workers cannot run. */
import { describe, expect, it } from 'vitest';
import { AUTO_MIN_BATCH, parseWorkers, resolveWorkers } from '../src/runtime/workers.js';

const base = {
  requested: 'auto' as const,
  tfjsBackend: 'wasm',
  batchSize: 1024,
  balancing: 'equal',
  workerModels: true,
  cores: 2,
};

describe('--workers', () => {
  it('auto: two workers on wasm with two cores and batches from 256 rows, otherwise one thread and why', () => {
    expect(resolveWorkers(base)).toMatchObject({ requested: 'auto', used: 2 });
    expect(resolveWorkers({ ...base, batchSize: AUTO_MIN_BATCH }).used).toBe(2);
    const one = (overrides: Partial<typeof base> | Record<string, unknown>) =>
      resolveWorkers({ ...base, ...overrides });
    expect(one({ batchSize: 128 })).toMatchObject({
      used: 1,
      reason: expect.stringContaining('batches of 128 rows'),
    });
    expect(one({ cores: 1 })).toMatchObject({ used: 1, reason: 'one thread: 1 core' });
    expect(one({ tfjsBackend: 'tensorflow' }).reason).toContain('the tensorflow backend');
    expect(one({ tfjsBackend: 'cpu' }).reason).toContain('correctness fallback');
    expect(one({ balancing: 'gradnorm' }).reason).toContain('balancing "gradnorm"');
    expect(one({ workerModels: false }).reason).toContain('cannot build its models in worker threads');
  });

  it('explicit counts: used as given, or a clear error where workers cannot run', () => {
    expect(resolveWorkers({ ...base, requested: 1 })).toEqual({
      requested: 1,
      used: 1,
      reason: 'one thread (--workers 1)',
    });
    expect(resolveWorkers({ ...base, requested: 3, batchSize: 64, cores: 1 }).used).toBe(3);
    expect(resolveWorkers({ ...base, requested: 2, tfjsBackend: 'cpu' }).used).toBe(2);
    expect(() => resolveWorkers({ ...base, requested: 2, tfjsBackend: 'tensorflow' })).toThrow(
      /--workers 2 is impossible with the tensorflow backend/,
    );
    expect(() => resolveWorkers({ ...base, requested: 2, balancing: 'pcgrad' })).toThrow(
      /balancing "pcgrad"/,
    );
    expect(parseWorkers('auto')).toBe('auto');
    expect(parseWorkers('2')).toBe(2);
    for (const bad of ['0', '1.5', 'two', '65']) expect(() => parseWorkers(bad)).toThrow('--workers must be');
  });
});
