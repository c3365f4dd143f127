/**
 * What the app shows and records while the engine runs: the engine's events (`@dtrn/compare`) as
 * progress lines or bars and JSON lines (`ProgressReporter`), and one `metrics.jsonl` record per
 * epoch. Epochs are numbered from 1 in everything written here.
 * Each epoch record carries `stepLosses` (step-losses.ts), for the per-step curves of report.html;
 * a resumed run records the steps after the resume only.
 */
import {
  type ComparisonEvent,
  DEFAULT_CHECK,
  describeEntries,
  type ModelRun,
  type RunKey,
  type SeedData,
} from '@dtrn/compare';
import { aucUndefinedReason } from '@dtrn/metrics';
import type { EpochEndEvent, ProgressEvent } from '@dtrn/trainer';
import type { ProgressReporter, TrainingProgress } from '../runtime/progress.js';
import type { RunDirectory } from '../runtime/run-directory.js';
import { type StepLoss, StepLossRecorder } from './step-losses.js';

export interface EventOutput {
  readonly progress: ProgressReporter;
  readonly run: RunDirectory;
  /** Prefix of the line announcing a seed's data: `seed 3: ` for `compare`, nothing for `train`. */
  readonly dataPrefix: (seed: number) => string;
  /** Called on every progress event of the compared runs (not the calibration run). */
  readonly onProgress?: (event: ProgressEvent, run: RunKey) => void;
}

function rows(data: SeedData): string {
  return `train ${data.train.size}, validation ${data.validation.size}, test ${data.test.size} rows`;
}

/** `done: 42 steps, completed, test AUC click 0.7012 conversion n/a (...)`, and degenerate tasks. */
export function runSummary(record: ModelRun): string {
  const aucs = record.test.map(
    (t) => `${t.task} ${t.auc === null ? `n/a (${aucUndefinedReason(t) ?? 'undefined'})` : t.auc.toFixed(4)}`,
  );
  const degenerate = record.degenerate ?? [];
  return `done: ${record.steps} steps, ${record.stoppedReason}, test AUC ${aucs.join(' ')}${degenerate.length > 0 ? ` | DEGENERATE: ${describeEntries(degenerate)}` : ''}`;
}

/** One `metrics.jsonl` record of an epoch end. */
function metricRecord(
  run: RunKey,
  taskNames: readonly string[],
  event: EpochEndEvent,
  stepLosses: readonly StepLoss[],
) {
  return {
    model: run.name,
    seed: run.seed,
    epoch: event.epoch + 1,
    steps: event.steps,
    trainLoss: event.trainLoss,
    trainLossPerTask: Object.fromEntries(taskNames.map((task, k) => [task, event.trainLossPerTask[k]])),
    validation: event.validation?.tasks ?? null,
    monitorValue: event.monitorValue,
    improved: event.improved,
    degenerateTasks: event.degenerateTasks,
    stepLosses,
  };
}

/** The engine's `onEvent` for a run directory and a reporter. */
export function reportEvents(output: EventOutput): (event: ComparisonEvent) => Promise<void> {
  const { progress } = output;
  let display: TrainingProgress | null = null;
  let taskNames: readonly string[] = [];
  // Step losses of the current epoch per run (runs may interleave with --workers).
  const windows = new Map<string, StepLossRecorder>();
  const key = (run: RunKey) => `${run.name}\u0000${run.seed}`;
  return async (event) => {
    switch (event.type) {
      case 'data':
        progress.info(
          event.calibration
            ? `meaningfulness check: ${DEFAULT_CHECK.model} on ${event.data.description} (calibration run)`
            : `${output.dataPrefix(event.seed)}${event.data.description}; ${rows(event.data)}`,
        );
        break;
      case 'warning':
        progress.info(`warning: ${event.message}`);
        break;
      case 'run-kept':
        progress.info(`${event.run.name} seed ${event.run.seed}: already finished, kept`);
        break;
      case 'run-start':
        taskNames = event.taskNames;
        windows.set(key(event.run), new StepLossRecorder(taskNames));
        display = progress.training(`${event.run.name} seed ${event.run.seed}`, taskNames);
        break;
      case 'progress':
        display?.update(event.progress);
        windows.get(key(event.run))?.add(event.progress);
        if (!event.run.calibration) output.onProgress?.(event.progress, event.run);
        break;
      case 'epoch':
        display?.epochEnd(event.epoch);
        await output.run.appendMetric(
          metricRecord(event.run, taskNames, event.epoch, windows.get(key(event.run))?.take() ?? []),
        );
        break;
      case 'run-stopped':
        display?.done(
          `stopped at step ${event.fit.steps}; checkpoint ${event.fit.lastCheckpoint ?? 'none'} written`,
        );
        break;
      case 'run-done':
        display?.done(runSummary(event.record));
        break;
    }
  };
}
