/**
 * `analyseBottom`: what the task-specific parts of a trained model's bottom learned, measured on
 * rows the caller supplies (a test split, a sample of their own data):
 * - TIM: the LayerNorm (gamma, beta) the hypernetwork generates per (task, behavior), as shifts from
 *   the plain LayerNorm it starts as (gamma 1, beta 0), how much they differ between tasks, and how
 *   much the task interests they produce differ on the rows;
 * - TRM: the field weights per task (mean and spread over rows) and how much the tasks' differ;
 * - the K task bottoms the head reads: linear CKA and mean cosine between every pair of tasks.
 * Browser-safe; every tensor is freed (`probeBottom` runs in a tidy).
 */
import { ConfigError } from '@dtrn/base';
import type { Batch } from '@dtrn/data';
import {
  FieldWeightStatistics,
  InterestSpreadAccumulator,
  PairSimilarityAccumulator,
  rms,
} from './bottom-statistics.js';
import { type BottomProbe, DtrnModel } from './dtrn-model.js';
import type { RecommenderModel } from './recommender-model.js';

export interface LayerNormShift {
  /** The task whose LayerNorm this is; null for the shared (unconditioned) LayerNorm. */
  readonly task: string | null;
  readonly behavior: string;
  /** RMS of gamma - 1 over every LayerNorm of the encoder and every dimension. */
  readonly gammaShift: number;
  /** RMS of beta (the plain LayerNorm's beta is 0); on the scale of the normalised inputs (RMS 1). */
  readonly betaShift: number;
  /**
   * TIM: hidden units of the hypernetwork active (relu > 0) for this pair, out of `hiddenUnits`;
   * with none active the pair's LayerNorm is the last layer's bias alone, the same for every task.
   */
  readonly activeHiddenUnits: number | null;
}

export interface BottomAnalysis {
  /** The bottom kind ('shared', 'dtrn', 'dtrn-no-tim', 'dtrn-no-trm'). */
  readonly bottom: string;
  readonly rows: number;
  readonly taskNames: readonly string[];
  readonly behaviorNames: readonly string[];
  /** The N fields of the bottom (feature fields, then one interest per behavior). */
  readonly fieldNames: readonly string[];
  /** The encoder's LayerNorms; null without a Transformer encoder. */
  readonly layerNorms: {
    /** True when TIM's hypernetwork generates them per (task, behavior). */
    readonly conditioned: boolean;
    /** Width of TIM's hypernetwork hidden layer (null when unconditioned). */
    readonly hiddenUnits: number | null;
    readonly shifts: readonly LayerNormShift[];
    /** Per behavior: RMS of each task's gamma (beta) minus the tasks' mean; null when unconditioned. */
    readonly taskSpread: readonly { behavior: string; gamma: number; beta: number }[] | null;
  } | null;
  /** Per behavior: relative spread of the task interests on the rows; null when task-agnostic. */
  readonly interestSpread: readonly { behavior: string; relative: number }[] | null;
  /** TRM field weights; null without TRM. */
  readonly fieldWeights: {
    /** mean[k][i], std[k][i] over the rows. */
    readonly mean: readonly (readonly number[])[];
    readonly std: readonly (readonly number[])[];
    /** Mean over rows, fields and tasks of |a^k_i - mean_k a^k_i|, and that over the mean weight. */
    readonly taskDeviation: number;
    readonly relativeTaskDeviation: number;
  } | null;
  /** Every pair of task bottoms (the head's task inputs). */
  readonly taskBottoms: readonly { tasks: [string, string]; linearCka: number; meanCosine: number }[];
}

function layerNormShifts(
  probe: BottomProbe,
  taskNames: readonly string[],
  behaviorNames: readonly string[],
): BottomAnalysis['layerNorms'] {
  if (!probe.layerNorms) return null;
  const [K, M] = probe.layerNorms.gamma.shape as [number, number, number, number];
  const gamma = probe.layerNorms.gamma.dataSync(); // [K, M, norms, d]
  const beta = probe.layerNorms.beta.dataSync();
  const size = gamma.length / (K * M);
  const slice = (values: ArrayLike<number>, k: number, m: number) =>
    Array.prototype.slice.call(values, (k * M + m) * size, (k * M + m + 1) * size) as number[];
  const conditioned = probe.bottom === 'dtrn' || probe.bottom === 'dtrn-no-trm';
  const hidden = probe.hypernetHidden?.dataSync() ?? null; // [K*M, units]
  const hiddenUnits = probe.hypernetHidden ? probe.hypernetHidden.shape[1]! : null;
  const active = (k: number, m: number) =>
    hidden && hiddenUnits
      ? Array.prototype.slice
          .call(hidden, (k * M + m) * hiddenUnits, (k * M + m + 1) * hiddenUnits)
          .filter((v: number) => v > 0).length
      : null;
  const shifts: LayerNormShift[] = [];
  for (let k = 0; k < K; k++) {
    for (let m = 0; m < M; m++) {
      shifts.push({
        task: conditioned ? taskNames[k]! : null,
        behavior: behaviorNames[m]!,
        gammaShift: rms(slice(gamma, k, m), 1),
        betaShift: rms(slice(beta, k, m)),
        activeHiddenUnits: active(k, m),
      });
    }
  }
  const spread = (values: ArrayLike<number>, m: number) => {
    const rows = Array.from({ length: K }, (_, k) => slice(values, k, m));
    const deviations = rows.flatMap((row) =>
      row.map((v, i) => v - rows.reduce((total, other) => total + other[i]!, 0) / K),
    );
    return rms(deviations);
  };
  const taskSpread =
    conditioned && K > 1
      ? behaviorNames.map((behavior, m) => ({ behavior, gamma: spread(gamma, m), beta: spread(beta, m) }))
      : null;
  return { conditioned, hiddenUnits, shifts, taskSpread };
}

/**
 * Measures the bottom of `model` (a multi-task model from `createModel` or `loadModel`) over
 * `batches` (e.g. `batches(testSplit, { batchSize: 512 })`). Throws a ConfigError for models
 * without a multi-task bottom (the single-task baseline) or when no rows are given.
 */
export function analyseBottom(model: RecommenderModel, rows: Iterable<Batch>): BottomAnalysis {
  if (!(model instanceof DtrnModel)) {
    throw new ConfigError('analyseBottom: the model has no multi-task bottom', {
      expected: 'a multi-task model (Shared-Bottom, MMoE, PLE, DTRN or an ablation)',
      found: model.constructor.name,
    });
  }
  const taskNames = model.taskNames;
  const behaviorNames = model.layout.behaviors.map((b) => b.name);
  const bottoms = new PairSimilarityAccumulator();
  const fieldWeights = new FieldWeightStatistics();
  const interests = new InterestSpreadAccumulator();
  let layerNorms: BottomAnalysis['layerNorms'] = null;
  let bottom = '';
  let taskInterests = false;
  for (const batch of rows) {
    if (batch.size === 0) continue;
    const prepared = model.prepare(batch);
    try {
      model.probeBottom(prepared, (probe) => {
        if (bottoms.count === 0) {
          layerNorms = layerNormShifts(probe, taskNames, behaviorNames);
          bottom = probe.bottom;
          taskInterests = probe.interests.length > 1 && probe.interests[0]!.length > 0;
        }
        bottoms.add(probe.taskInputs);
        if (probe.fieldWeights.length > 0) fieldWeights.add(probe.fieldWeights);
        if (taskInterests) interests.add(probe.interests);
      });
    } finally {
      prepared.dispose();
    }
  }
  if (bottoms.count === 0) {
    throw new ConfigError('analyseBottom: no rows to analyse', { expected: 'at least one non-empty batch' });
  }
  const pairs: BottomAnalysis['taskBottoms'][number][] = [];
  for (let a = 0; a < taskNames.length; a++) {
    for (let b = a + 1; b < taskNames.length; b++) {
      pairs.push({
        tasks: [taskNames[a]!, taskNames[b]!],
        linearCka: bottoms.linearCka(a, b),
        meanCosine: bottoms.meanCosine(a, b),
      });
    }
  }
  return {
    bottom,
    rows: bottoms.count,
    taskNames: [...taskNames],
    behaviorNames,
    fieldNames: [...model.fieldNames],
    layerNorms,
    interestSpread: taskInterests
      ? interests.relative().map((relative, m) => ({ behavior: behaviorNames[m]!, relative }))
      : null,
    fieldWeights: bottom === 'dtrn' || bottom === 'dtrn-no-tim' ? fieldWeights.summary() : null,
    taskBottoms: pairs,
  };
}
