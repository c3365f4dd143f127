/**
 * Numbers of the result table computed from plain arrays: oracle AUCs of the test split, the
 * per-task test metrics of a model, and paired bootstrap intervals of AUC differences between two
 * models on the same test rows (each task over its own sample space).
 */
import type { InMemoryDataset } from '@dtrn/data';
import { oracleReport } from '@dtrn/datasets';
import { aucOrUndefined, type MultiTaskReport, pairedBootstrapDiff } from '@dtrn/metrics';
import type { AucDifference, OracleResult, TaskResult } from '../protocol.js';

/** Resamples of the paired bootstrap. OUR CHOICE: 500 keeps the final table under a second. */
export const DIFFERENCE_RESAMPLES = 500;
export const DIFFERENCE_CONFIDENCE = 0.95;

/** AUC of every oracle logit the generator shipped, per task, on `test`. */
export function oracleAucs(test: InMemoryDataset): OracleResult[] {
  return oracleReport(test).flatMap((task) =>
    Object.entries(task.logits).map(([kind, logits]) => ({
      task: task.task,
      kind,
      auc: logits ? (aucOrUndefined(task.labels, logits) ?? null) : null,
    })),
  );
}

export function taskResults(report: MultiTaskReport): TaskResult[] {
  return report.tasks.map((task) => ({
    task: task.task,
    count: task.count,
    positives: task.positives,
    auc: task.auc,
    gauc: task.gauc,
    logloss: task.logloss,
  }));
}

function inSampleSpace(values: Float32Array, mask: Float32Array | undefined): Float32Array {
  if (!mask) return values;
  const kept: number[] = [];
  for (let row = 0; row < values.length; row++) if (mask[row] === 1) kept.push(values[row]!);
  return Float32Array.from(kept);
}

/**
 * AUC(candidate) - AUC(reference) per task on `test`, with a paired bootstrap interval. Tasks
 * whose sample space holds one class only are left out (their AUC is undefined).
 */
export function aucDifferences(
  test: InMemoryDataset,
  reference: readonly Float32Array[],
  candidate: readonly Float32Array[],
  seed: number,
): AucDifference[] {
  const differences: AucDifference[] = [];
  test.schema.tasks.forEach((spec, k) => {
    const mask = test.sampleMasks[k];
    const labels = inSampleSpace(test.labels[k]!, mask);
    const positives = labels.reduce((sum, label) => sum + label, 0);
    if (positives === 0 || positives === labels.length) return;
    const interval = pairedBootstrapDiff(
      labels,
      inSampleSpace(reference[k]!, mask),
      inSampleSpace(candidate[k]!, mask),
      { resamples: DIFFERENCE_RESAMPLES, confidence: DIFFERENCE_CONFIDENCE, seed },
    );
    differences.push({
      task: spec.name,
      estimate: interval.estimate,
      lower: interval.lower,
      upper: interval.upper,
      confidence: interval.confidence,
      probabilityPositive: interval.probabilityPositive,
    });
  });
  return differences;
}
