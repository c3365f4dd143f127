/**
 * Test scores per seed on each task's sample space, each DTRN variant's AUC gain over its base head
 * and each model's AUC interval, all from pooled bootstraps (test rows resampled within each seed).
 * Degenerate (model, seed, task) runs are left out of both and listed (`excludedSeeds`).
 */
import { deriveSeed } from '@dtrn/base';
import type { InMemoryDataset } from '@dtrn/data';
import { pooledBootstrapCi, pooledPairedBootstrapDiff } from '@dtrn/metrics';
import type { ModelCatalog } from '../models/model-catalog.js';
import { isDegenerate } from './degenerate.js';
import type { GainInterval, ModelRun, ModelSummary } from './results-types.js';

/** One seed's test labels and every model's probabilities, per task, on the task's sample space. */
export type SeedScores = Map<
  string,
  { readonly labels: Float32Array; readonly scores: Map<string, Float32Array> }
>;

/** True when the run of `model` on the seed at `seedIndex` is left out for `task`. */
export type Exclusion = (model: string, seedIndex: number, task: string) => boolean;

/** Leaves out the degenerate runs among `runs` (seeds in the order of the per-seed scores). */
export function degenerateExclusion(runs: readonly ModelRun[], seeds: readonly number[]): Exclusion {
  return (model, seedIndex, task) =>
    runs.some((run) => run.model === model && run.seed === seeds[seedIndex] && isDegenerate(run, task));
}

const NOTHING_EXCLUDED: Exclusion = () => false;

export interface BootstrapSettings {
  readonly resamples: number;
  readonly confidence: number;
}

/** The (variant, base) pairs among `models`: variants whose base is also in the comparison. */
export function gainPairs(
  models: readonly string[],
  catalog: ModelCatalog,
): { model: string; base: string }[] {
  return models.flatMap((model) => {
    const base = catalog.baseOf(model);
    return base !== null && base !== model && models.includes(base) ? [{ model, base }] : [];
  });
}

function restrict(values: Float32Array, mask: Float32Array | undefined): Float32Array {
  if (!mask) return values;
  const kept: number[] = [];
  for (let i = 0; i < values.length; i++) if (mask[i] === 1) kept.push(values[i]!);
  return Float32Array.from(kept);
}

export function seedScores(
  test: InMemoryDataset,
  predictions: ReadonlyMap<string, readonly Float32Array[]>,
): SeedScores {
  const scores: SeedScores = new Map();
  test.schema.tasks.forEach((task, k) => {
    const mask = test.sampleMasks[k];
    const byModel = new Map<string, Float32Array>();
    for (const [model, perTask] of predictions) byModel.set(model, restrict(perTask[k]!, mask));
    scores.set(task.name, { labels: restrict(test.labels[k]!, mask), scores: byModel });
  });
  return scores;
}

export function computeGains(
  perSeed: readonly SeedScores[],
  models: readonly string[],
  tasks: readonly string[],
  catalog: ModelCatalog,
  bootstrap: BootstrapSettings,
  seed: number,
  seeds: readonly number[] = [],
  excluded: Exclusion = NOTHING_EXCLUDED,
): GainInterval[] {
  return gainPairs(models, catalog).flatMap(({ model, base }) =>
    tasks.flatMap((task) => {
      const kept = perSeed.flatMap((scores, index) =>
        excluded(model, index, task) || excluded(base, index, task) ? [] : [{ scores, index }],
      );
      if (kept.length === 0) return []; // every seed degenerate: listed in the degenerate headline
      const interval = pooledPairedBootstrapDiff(
        kept.map(({ scores }) => {
          const entry = scores.get(task)!;
          return {
            labels: entry.labels,
            scoresA: entry.scores.get(base)!,
            scoresB: entry.scores.get(model)!,
          };
        }),
        { ...bootstrap, seed: deriveSeed(seed, 'gain', model, task) },
      );
      const excludedSeeds = perSeed
        .map((_, index) => index)
        .filter((index) => excluded(model, index, task) || excluded(base, index, task))
        .map((index) => seeds[index] ?? index);
      const verdict: GainInterval['verdict'] =
        interval.lower > 0 ? 'win' : interval.upper < 0 ? 'loss' : 'tie';
      return {
        model,
        base,
        task,
        estimate: interval.estimate,
        lower: interval.lower,
        upper: interval.upper,
        confidence: bootstrap.confidence,
        probabilityPositive: interval.probabilityPositive,
        perSeed: interval.perGroup,
        ...(excludedSeeds.length > 0 ? { excludedSeeds } : {}),
        verdict,
      };
    }),
  );
}

/** Adds each model's pooled bootstrap AUC interval (mean over seeds) to the summary. */
export function withAucIntervals(
  summary: readonly ModelSummary[],
  perSeed: readonly SeedScores[],
  bootstrap: BootstrapSettings,
  seed: number,
  excluded: Exclusion = NOTHING_EXCLUDED,
): ModelSummary[] {
  return summary.map((model) => ({
    ...model,
    tasks: model.tasks.map((task) => {
      const kept = perSeed.filter((_, index) => !excluded(model.model, index, task.task));
      if (kept.length === 0) return { ...task, aucInterval: null }; // every seed degenerate
      try {
        const interval = pooledBootstrapCi(
          kept.map((scores) => {
            const entry = scores.get(task.task)!;
            return { labels: entry.labels, scores: entry.scores.get(model.model)! };
          }),
          { ...bootstrap, seed: deriveSeed(seed, 'auc', model.model, task.task) },
        );
        return {
          ...task,
          aucInterval: { lower: interval.lower, upper: interval.upper, confidence: bootstrap.confidence },
        };
      } catch {
        return { ...task, aucInterval: null }; // AUC undefined (one class in a seed's test split)
      }
    }),
  }));
}
