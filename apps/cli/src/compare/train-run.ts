/**
 * The parts of a `dtrn train` run that re-reading commands share (`dtrn evaluate`, `dtrn inspect`):
 * its stored train config (checked to be a train run) and the rows of one of its splits.
 */
import { DataError } from '@dtrn/base';
import type { InMemoryDataset } from '@dtrn/data';
import { checkSplit } from '@dtrn/trainer';
import type { TrainConfig } from '../config/run-configs.js';
import { type LoadedData, loadData } from '../data/load-data.js';
import { runData } from '../data/table-data.js';
import type { ProgressReporter } from '../runtime/progress.js';
import { RUN_FILES, type RunDirectory } from '../runtime/run-directory.js';
import { resolveTrainConfig } from './run-train.js';

export const EVALUATION_SPLITS = ['test', 'validation', 'train'] as const;
export type EvaluationSplit = (typeof EVALUATION_SPLITS)[number];

/** The run's train config; `command` names the reader in the errors. */
export async function readTrainRunConfig(run: RunDirectory, command: string): Promise<TrainConfig> {
  if (!(await run.exists(RUN_FILES.config))) {
    throw new DataError('not a run directory (no config.json)', {
      where: { file: run.path },
      expected: 'a directory written by dtrn train',
    });
  }
  const stored = await run.readJson<TrainConfig & { kind: string }>(RUN_FILES.config);
  if (stored.kind !== 'train') {
    throw new DataError(`${command} reads runs of dtrn train, this one is a ${stored.kind} run`, {
      where: { file: `${run.path}/${RUN_FILES.config}` },
      expected: 'kind "train"',
    });
  }
  const { kind: _kind, ...input } = stored;
  // A table's run holds its prepared shards: the raw file need not be where it was.
  return resolveTrainConfig(input, { checkData: input.data?.kind !== 'table' });
}

/**
 * The run's data for its seed (table data: the shards prepared into the run, prepared again if
 * missing), with the split checked to have every value and at least one row.
 */
export async function loadRunSplit(
  run: RunDirectory,
  config: TrainConfig,
  split: EvaluationSplit,
  progress: ProgressReporter,
): Promise<{ data: LoadedData; rows: InMemoryDataset; counts: ReturnType<typeof checkSplit> }> {
  const data = await loadData((await runData(config.data, run.path, progress, true)).data, config.seed);
  const counts = checkSplit(data[split], { name: `${split} split (seed ${config.seed})` });
  return { data, rows: data[split], counts };
}
