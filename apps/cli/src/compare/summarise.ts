/**
 * Mean ± std over seeds (degenerate seeds left out and listed), oracle AUCs and the meaningfulness
 * check (DATA.md rule 1).
 */

import type { InMemoryDataset } from '@dtrn/data';
import { oracleReport } from '@dtrn/datasets';
import { aucOrUndefined, meanAndStd } from '@dtrn/metrics';
import { isDegenerate } from './degenerate.js';
import type { MeaningfulnessCheck, MeanStd, ModelRun, ModelSummary, OracleSummary } from './results-types.js';

export function meanStd(values: readonly (number | null)[]): MeanStd {
  const defined = values.filter((value): value is number => value !== null && Number.isFinite(value));
  if (defined.length === 0) return { mean: null, std: null, n: 0 };
  const { mean, std } = meanAndStd(defined);
  return { mean, std, n: defined.length };
}

export function summariseModels(
  models: readonly string[],
  tasks: readonly string[],
  runs: readonly ModelRun[],
): ModelSummary[] {
  return models.map((model) => {
    const own = runs.filter((run) => run.model === model);
    return {
      model,
      tasks: tasks.map((task, k) => {
        const healthy = own.filter((run) => !isDegenerate(run, task));
        const degenerateSeeds = own.filter((run) => isDegenerate(run, task)).map((run) => run.seed);
        const summary = (values: (number | null)[]): MeanStd =>
          degenerateSeeds.length > 0 ? { ...meanStd(values), degenerateSeeds } : meanStd(values);
        return {
          task,
          auc: summary(healthy.map((run) => run.test[k]?.auc ?? null)),
          gauc: summary(healthy.map((run) => run.test[k]?.gauc ?? null)),
          logloss: summary(healthy.map((run) => run.test[k]?.logloss ?? null)),
        };
      }),
    };
  });
}

/** Oracle AUCs of one seed's test split: per task and oracle kind (synthetic data only). */
export function oracleAucs(test: InMemoryDataset): { task: string; kind: string; auc: number | null }[] {
  return oracleReport(test).flatMap((task) =>
    Object.entries(task.logits).map(([kind, logits]) => ({
      task: task.task,
      kind,
      auc: logits ? (aucOrUndefined(task.labels, logits) ?? null) : null,
    })),
  );
}

export function summariseOracles(
  perSeed: readonly { task: string; kind: string; auc: number | null }[][],
): OracleSummary[] {
  const first = perSeed[0] ?? [];
  return first.map(({ task, kind }) => ({
    task,
    kind,
    auc: meanStd(
      perSeed.map((seed) => seed.find((entry) => entry.task === task && entry.kind === kind)?.auc ?? null),
    ),
  }));
}

export const SEQUENCE_ONLY_ORACLE = 'oracle-sequence-only';

/**
 * DATA.md rule 1: on the control setting, Shared-Bottom must reach `threshold` of the sequence-only
 * oracle's AUC gain over 0.5 on every task, else a conflict comparison at this size and budget
 * means nothing. `modelAucs` and `oracles` are means over the seeds checked.
 */
export function meaningfulnessCheck(
  tasks: readonly string[],
  modelAucs: readonly (number | null)[],
  oracles: readonly OracleSummary[],
  threshold: number,
  source: 'own-run' | 'calibration',
  note: string,
): MeaningfulnessCheck {
  const rows = tasks.map((task, k) => {
    const modelAuc = modelAucs[k] ?? Number.NaN;
    const oracleAuc =
      oracles.find((o) => o.task === task && o.kind === SEQUENCE_ONLY_ORACLE)?.auc.mean ?? Number.NaN;
    const recovered = (modelAuc - 0.5) / (oracleAuc - 0.5);
    return { task, modelAuc, sequenceOnlyOracleAuc: oracleAuc, recovered, passed: recovered >= threshold };
  });
  return { applicable: true, note, threshold, source, tasks: rows, passed: rows.every((row) => row.passed) };
}

export function notApplicable(note: string, threshold: number): MeaningfulnessCheck {
  return { applicable: false, note, threshold, source: null, tasks: [], passed: null };
}
