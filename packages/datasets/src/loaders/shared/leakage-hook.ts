/**
 * Runs the leakage check (`findLeakyFeatures`) on the first training batch a loader emits: the whole
 * training split for `loadX`, the first `batchSize` training rows for `streamX`.
 */

import type { InMemoryDataset } from '@dtrn/data';
import { findLeakyFeatures, type LeakageReport } from '../../leakage/find-leaky-features.js';
import type { SplitName } from './split-assignment.js';

export type BatchHandler = (split: SplitName, batch: InMemoryDataset) => void | Promise<void>;

export function withLeakageCheck(onBatch: BatchHandler): {
  readonly onBatch: BatchHandler;
  readonly report: () => LeakageReport | undefined;
} {
  let leakage: LeakageReport | undefined;
  return {
    onBatch: (split, batch) => {
      if (split === 'train' && leakage === undefined && batch.size > 0) leakage = findLeakyFeatures(batch);
      return onBatch(split, batch);
    },
    report: () => leakage,
  };
}
