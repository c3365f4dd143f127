/**
 * `dtrn evaluate`: re-evaluates a trained run (from `dtrn train`) on one split from its checkpoint
 * (the best epoch's weights when early stopping tracked one), without training.
 */
import { DataError } from '@dtrn/base';
import { type DegenerateEntry, describeEntries, type ModelCatalog, runDegenerate } from '@dtrn/compare';
import type { BackendPreference } from '@dtrn/core';
import { aucUndefinedReason, formatReportTable, type MultiTaskReport } from '@dtrn/metrics';
import { evaluate, readLatestCheckpoint } from '@dtrn/trainer';
import { useBackend } from '../runtime/backend.js';
import { type ProgressMode, type ProgressReporter, reporterOf } from '../runtime/progress.js';
import { checkDirectoryPath, RunDirectory } from '../runtime/run-directory.js';
import { EVALUATION_SPLITS, type EvaluationSplit, loadRunSplit, readTrainRunConfig } from './train-run.js';

export { EVALUATION_SPLITS, type EvaluationSplit };

export interface RunEvaluateOptions {
  /** A run directory written by `dtrn train`. */
  readonly run: string;
  readonly split?: EvaluationSplit;
  readonly catalog: ModelCatalog;
  readonly backend?: BackendPreference;
  readonly progress?: ProgressMode | ProgressReporter;
}

export interface EvaluationOutcome {
  readonly model: string;
  readonly split: EvaluationSplit;
  readonly checkpointStep: number;
  readonly usedBestWeights: boolean;
  readonly report: MultiTaskReport;
  /** Tasks whose predictions on the split are all equal (the model learned nothing for them). */
  readonly degenerate: readonly DegenerateEntry[];
  readonly file: string;
}

export async function runEvaluate(options: RunEvaluateOptions): Promise<EvaluationOutcome> {
  await checkDirectoryPath(options.run, '--run');
  const run = new RunDirectory(options.run);
  const progress = reporterOf(options.progress);
  const split = options.split ?? 'test';
  const config = await readTrainRunConfig(run, 'dtrn evaluate');
  const selection = await useBackend(options.backend ?? 'auto');
  progress.info(`backend: ${selection.summary}`);
  const checkpoint = await readLatestCheckpoint(
    run.storage,
    run.checkpointDirectory(config.model, config.seed),
  );
  if (!checkpoint) {
    throw new DataError('the run has no checkpoint', {
      where: { file: `${run.path}/${run.checkpointDirectory(config.model, config.seed)}` },
      expected: 'a run that trained at least one epoch',
    });
  }
  // Every value and at least one row, before the model is built; one class only is a warning
  // (the AUC is undefined, the other metrics are not).
  const { data, counts } = await loadRunSplit(run, config, split, progress);
  const model = options.catalog.create(config.model, data.schema, {
    seed: config.seed,
    overrides: config.modelOverrides,
  });
  try {
    // The weights the run's results describe: the best epoch's when early stopping restored them.
    const useBest = config.training.patience > 0 && checkpoint.bestModel !== null;
    model.setState(useBest && checkpoint.bestModel ? checkpoint.bestModel : checkpoint.model);
    const { report } = evaluate(model, data[split], { batchSize: config.training.evaluationBatchSize });
    for (const count of counts) {
      const reason = aucUndefinedReason(count);
      if (reason) progress.info(`warning: ${split} split, task "${count.task}": AUC undefined (${reason})`);
    }
    const degenerate = runDegenerate([], report, split);
    if (degenerate.length > 0) progress.info(`warning: DEGENERATE: ${describeEntries(degenerate)}`);
    const outcome = {
      model: config.model,
      split,
      checkpointStep: checkpoint.step,
      usedBestWeights: useBest,
      report,
      degenerate,
    };
    const file = `evaluation-${split}.json`;
    await run.writeJson(file, {
      ...outcome,
      backend: selection.summary,
      createdAt: new Date().toISOString(),
    });
    progress.result(
      `${config.model} on ${split} (checkpoint step ${checkpoint.step}${outcome.usedBestWeights ? ', best epoch weights' : ''})\n\n${formatReportTable(report)}`,
    );
    progress.json({ type: 'evaluation', ...outcome });
    return { ...outcome, file: `${run.path}/${file}` };
  } finally {
    model.dispose();
  }
}
