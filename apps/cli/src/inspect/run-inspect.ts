/**
 * `dtrn inspect`: what the task-specific parts of a trained run's model learned (`analyseBottom` of
 * @dtrn/model on rows of one split), and with `--knockout`, the split's AUCs when each task uses
 * the other task's TIM conditioning or TRM refiner (`withTaskModulesRotated`) and when the module
 * is back at its start (`withTaskModulesReset`: plain LayerNorms, uniform field weights).
 */
import type { BackendPreference } from '@dtrn/core';
import { batches, sliceRows } from '@dtrn/data';
import type { MultiTaskReport } from '@dtrn/metrics';
import {
  analyseBottom,
  type BottomAnalysis,
  type TaskModule,
  withTaskModulesReset,
  withTaskModulesRotated,
} from '@dtrn/model';
import { evaluate } from '@dtrn/trainer';
import { type EvaluationSplit, loadRunSplit, readTrainRunConfig } from '../compare/train-run.js';
import { type ProgressMode, type ProgressReporter, reporterOf } from '../runtime/progress.js';
import { checkDirectoryPath } from '../runtime/run-directory.js';
import { loadRunModel } from '../runtime/run-model.js';
import { formatInspection } from './format-inspection.js';

export interface RunInspectOptions {
  /** A run directory written by `dtrn train`. */
  readonly run: string;
  readonly split?: EvaluationSplit;
  /** Rows of the split analysed (the first ones; default 2000). */
  readonly rows?: number;
  /** Also evaluate the whole split with each task-specific module swapped between tasks, and reset. */
  readonly knockout?: boolean;
  readonly backend?: BackendPreference;
  readonly progress?: ProgressMode | ProgressReporter;
}

export const KNOCKOUTS = ['swap', 'reset'] as const;

export interface KnockoutResult {
  readonly module: TaskModule;
  /** swap: task k uses task k + 1's module; reset: the module's last layer at its initial zeros. */
  readonly knockout: (typeof KNOCKOUTS)[number];
  /** AUC per task. */
  readonly auc: Readonly<Record<string, number | null>>;
}

export interface InspectionOutcome {
  readonly model: string;
  readonly split: EvaluationSplit;
  readonly analysis: BottomAnalysis;
  /** With `knockout`: the split's AUC per task as trained, and with each module knocked out. */
  readonly knockouts: {
    readonly auc: Readonly<Record<string, number | null>>;
    readonly results: KnockoutResult[];
  } | null;
  readonly file: string;
}

export const DEFAULT_INSPECT_ROWS = 2000;
const BATCH_SIZE = 512;

function aucs(report: MultiTaskReport): Record<string, number | null> {
  return Object.fromEntries(report.tasks.map((task) => [task.task, task.auc ?? null]));
}

/** The modules a bottom has per task: TIM (task-conditioned encoder) and TRM (refiner). */
function taskModules(bottom: string): TaskModule[] {
  const modules: TaskModule[] = [];
  if (bottom === 'dtrn' || bottom === 'dtrn-no-trm') modules.push('tim');
  if (bottom === 'dtrn' || bottom === 'dtrn-no-tim') modules.push('trm');
  return modules;
}

export async function runInspect(options: RunInspectOptions): Promise<InspectionOutcome> {
  await checkDirectoryPath(options.run, '--run');
  const progress = reporterOf(options.progress);
  const split = options.split ?? 'test';
  const { run, loaded } = await loadRunModel(options.run, options.backend, progress);
  const model = loaded.model;
  try {
    const config = await readTrainRunConfig(run, 'dtrn inspect');
    const { rows } = await loadRunSplit(run, config, split, progress);
    const sample = sliceRows(rows, 0, Math.min(options.rows ?? DEFAULT_INSPECT_ROWS, rows.size));
    progress.info(`analysing ${sample.size} of ${rows.size} ${split} rows`);
    const analysis = analyseBottom(model, batches(sample, { batchSize: BATCH_SIZE }));
    let knockouts: InspectionOutcome['knockouts'] = null;
    if (options.knockout) {
      const evaluateAll = () => aucs(evaluate(model, rows, { batchSize: BATCH_SIZE }).report);
      const results: KnockoutResult[] = [];
      for (const module of taskModules(analysis.bottom)) {
        for (const knockout of KNOCKOUTS) {
          progress.info(
            `evaluating the ${split} split with ${module.toUpperCase()} ${knockout === 'swap' ? 'swapped between tasks' : 'reset'}`,
          );
          const change = knockout === 'swap' ? withTaskModulesRotated : withTaskModulesReset;
          results.push({ module, knockout, auc: await change(model, module, evaluateAll) });
        }
      }
      knockouts = { auc: evaluateAll(), results };
    }
    const outcome = { model: config.model, split, analysis, knockouts };
    const file = `inspection-${split}.json`;
    await run.writeJson(file, { ...outcome, createdAt: new Date().toISOString() });
    progress.result(formatInspection(outcome));
    progress.json({ type: 'inspection', ...outcome });
    return { ...outcome, file: `${run.path}/${file}` };
  } finally {
    model.dispose();
  }
}
