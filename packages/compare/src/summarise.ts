/** Mean ± std over seeds (degenerate seeds left out and listed) and oracle AUCs. */
import type { InMemoryDataset } from '@dtrn/data';
import { oracleReport } from '@dtrn/datasets';
import { aucOrUndefined, meanAndStd } from '@dtrn/metrics';
import { isDegenerate } from './degenerate.js';
import type { MeanStd, ModelRun, ModelSummary, OracleAuc, OracleSummary } from './results.js';

export function meanStd(values: readonly (number | null)[]): MeanStd {
  const defined = values.filter((value): value is number => value !== null && Number.isFinite(value));
  if (defined.length === 0) return { mean: null, std: null, n: 0 };
  const { mean, std } = meanAndStd(defined);
  return { mean, std, n: defined.length };
}

/** Per model and task, mean ± std of the test metrics over the runs' seeds (degenerate runs left out). */
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

/**
 * AUC of every oracle logit the generator shipped, per task, on the rows of the task's sample space
 * (synthetic data from `@dtrn/datasets`; a DataError names the missing column otherwise).
 */
export function oracleAucs(split: InMemoryDataset): OracleAuc[] {
  return oracleReport(split).flatMap((task) =>
    Object.entries(task.logits).map(([kind, logits]) => ({
      task: task.task,
      kind,
      auc: logits ? (aucOrUndefined(task.labels, logits) ?? null) : null,
    })),
  );
}

/** Oracle AUCs averaged over seeds, per task and oracle kind. */
export function summariseOracles(perSeed: readonly (readonly OracleAuc[])[]): OracleSummary[] {
  const first = perSeed[0] ?? [];
  return first.map(({ task, kind }) => ({
    task,
    kind,
    auc: meanStd(
      perSeed.map((seed) => seed.find((entry) => entry.task === task && entry.kind === kind)?.auc ?? null),
    ),
  }));
}
