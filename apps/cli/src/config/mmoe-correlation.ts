/**
 * The `mmoe-correlation` preset's settings: the MMoE paper's synthetic experiment (Ma et al., KDD
 * 2018, section 4.2) at one task correlation. compare-presets.ts adds the models (the heads and DTRN
 * without TIM on each: the data has no behaviour sequences, so no TIM) and their head sizes.
 * `dtrn sweep --preset mmoe-correlation --key data.correlation --values 1,0.5,0,-0.5,0.9,0.25` runs
 * it over the correlations (docs/results/correlation-sweep.md).
 */
import type { CompareConfigInput } from './run-configs.js';

/**
 * Head sizes by head (our choice; the paper's synthetic models are not given at this detail) with
 * close dense budgets on the 100 inputs: Shared-Bottom one layer of 128, MMoE 8 experts of 16, PLE
 * one level of 2 task and 2 shared experts of 32; towers of 8.
 */
export const MMOE_CORRELATION_HEADS: Readonly<Record<string, Record<string, unknown>>> = {
  'shared-bottom': { bottomUnits: [128], towerUnits: [8] },
  mmoe: { numExperts: 8, expertUnits: [16], towerUnits: [8] },
  ple: { numLevels: 1, numTaskExperts: 2, numSharedExperts: 2, expertUnits: [32], towerUnits: [8] },
};

/** One correlation of the sweep, without models and head sizes; `dtrn sweep` sets `data.correlation`. */
export function mmoeCorrelationSettings(
  correlation = 1,
): Omit<CompareConfigInput, 'models' | 'perModel'> & { readonly name: string } {
  return {
    name: 'mmoe-correlation',
    description:
      "The MMoE paper's synthetic data (100 dense inputs, two tasks, labels above each task's median) at one task correlation: the heads and DTRN without TIM on each (no sequences, so no TIM).",
    data: { kind: 'mmoe-synthetic', correlation, numSamples: 10_000, fractions: [0.7, 0.1, 0.2] },
    seeds: 3,
    // Each dense input is a learned scalar times its value (d = 1): the head sees x as the paper's
    // models do. The encoder (TIM) is validated even without sequences, so its heads must divide d = 1.
    modelOverrides: { embeddingDim: 1, encoder: { numHeads: 1 } },
    training: { epochs: 30, batchSize: 128, learningRate: 0.002, patience: 3, monitor: 'meanAuc' },
    bootstrap: { resamples: 1000 },
  };
}
