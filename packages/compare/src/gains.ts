/**
 * Each variant's AUC gain over its base and each model's AUC interval, from bootstraps pooled over
 * seeds (test rows resampled within each seed, every task on its sample space). Degenerate
 * (model, seed, task) runs are left out of both and listed (`excludedSeeds`).
 */
import { deriveSeed } from '@dtrn/base';
import { pooledBootstrapCi, pooledPairedBootstrapDiff } from '@dtrn/metrics';
import type { BootstrapSettings } from './config.js';
import { isDegenerate } from './degenerate.js';
import type { GainInterval, ModelRun, ModelSummary } from './results.js';
import type { SeedScores } from './sample-space.js';

/** True when the run of `model` on the seed at `seedIndex` is left out for `task`. */
export type Exclusion = (model: string, seedIndex: number, task: string) => boolean;

/** Leaves out the degenerate runs among `runs` (seeds in the order of the per-seed scores). */
export function degenerateExclusion(runs: readonly ModelRun[], seeds: readonly number[]): Exclusion {
  return (model, seedIndex, task) =>
    runs.some((run) => run.model === model && run.seed === seeds[seedIndex] && isDegenerate(run, task));
}

const NOTHING_EXCLUDED: Exclusion = () => false;

/** The seed of one interval: `bootstrap.seed` when set, else derived from the first seed, model and task. */
function intervalSeed(
  bootstrap: BootstrapSettings,
  firstSeed: number,
  kind: 'gain' | 'transfer' | 'auc',
  model: string,
  task: string,
): number {
  return bootstrap.seed ?? deriveSeed(firstSeed, kind, model, task);
}

/** Both classes among `labels` (else the AUC is undefined). */
function bothClasses(labels: Float32Array): boolean {
  let positives = 0;
  for (const label of labels) positives += label;
  return positives > 0 && positives < labels.length;
}

/**
 * Pooled paired bootstrap CI of AUC(model) - AUC(base) per pair and task. Seeds where either run is
 * left out, or that lack a run of either model (a stopped comparison), do not count; a task whose
 * sample space holds one class in a counted seed has no gain (its AUC is undefined there).
 * `stream` names the bootstrap's random stream (`gain` for variants over their base; another name
 * gives another set of pairs its own resamples).
 */
export function computeGains(
  perSeed: readonly SeedScores[],
  pairs: readonly { readonly model: string; readonly base: string }[],
  tasks: readonly string[],
  bootstrap: BootstrapSettings,
  firstSeed: number,
  seeds: readonly number[] = [],
  excluded: Exclusion = NOTHING_EXCLUDED,
  stream: 'gain' | 'transfer' = 'gain',
): GainInterval[] {
  return pairs.flatMap(({ model, base }) =>
    tasks.flatMap((task) => {
      const leftOut = (index: number) => excluded(model, index, task) || excluded(base, index, task);
      const groups = perSeed.flatMap((scores, index) => {
        const entry = scores.get(task);
        const scoresA = entry?.scores.get(base);
        const scoresB = entry?.scores.get(model);
        return entry && scoresA && scoresB && !leftOut(index)
          ? [{ labels: entry.labels, scoresA, scoresB }]
          : [];
      });
      // Every seed degenerate (listed in the degenerate headline), or an undefined AUC.
      if (groups.length === 0 || !groups.every((group) => bothClasses(group.labels))) return [];
      const interval = pooledPairedBootstrapDiff(groups, {
        resamples: bootstrap.resamples,
        confidence: bootstrap.confidence,
        seed: intervalSeed(bootstrap, firstSeed, stream, model, task),
      });
      const excludedSeeds = perSeed
        .map((_, index) => index)
        .filter(leftOut)
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
  firstSeed: number,
  excluded: Exclusion = NOTHING_EXCLUDED,
): ModelSummary[] {
  return summary.map((model) => ({
    ...model,
    tasks: model.tasks.map((task) => {
      const groups = perSeed.flatMap((scores, index) => {
        const entry = scores.get(task.task);
        const own = entry?.scores.get(model.model);
        return entry && own && !excluded(model.model, index, task.task)
          ? [{ labels: entry.labels, scores: own }]
          : [];
      });
      if (groups.length === 0) return { ...task, aucInterval: null }; // every seed degenerate
      try {
        const interval = pooledBootstrapCi(groups, {
          resamples: bootstrap.resamples,
          confidence: bootstrap.confidence,
          seed: intervalSeed(bootstrap, firstSeed, 'auc', model.model, task.task),
        });
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
