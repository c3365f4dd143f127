import { MemoryStorage } from '@dtrn/core';
import type { ComparisonStore, RunKey } from '../options.js';
import type { ModelRun } from '../results.js';

/**
 * A store in memory: checkpoints in a `MemoryStorage`, finished runs in a map keyed
 * `<name>/seed-<seed>` (structured clones, as a file would hold copies).
 */
export function memoryStore(): ComparisonStore & {
  readonly storage: MemoryStorage;
  readonly runs: Map<string, { record: ModelRun; predictions: Float32Array[] }>;
} {
  const storage = new MemoryStorage();
  const runs = new Map<string, { record: ModelRun; predictions: Float32Array[] }>();
  const key = (run: RunKey) => `${run.name}/seed-${run.seed}`;
  return {
    storage,
    runs,
    checkpoints: (run) => ({ storage, directory: `checkpoints/${key(run)}` }),
    saveRun: async (run, record, predictions) => {
      runs.set(key(run), structuredClone({ record, predictions: [...predictions] }));
    },
    loadRun: async (run) => {
      const saved = runs.get(key(run));
      return saved ? structuredClone(saved) : null;
    },
  };
}
