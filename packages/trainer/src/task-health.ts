/**
 * Dead or degenerate tasks: a task whose validation predictions are all equal (e.g. a tower whose
 * ReLUs are all off outputs sigmoid(bias) for every row), or whose validation AUC was exactly 0.5
 * at every evaluation of the run. Such a task learned nothing; its numbers must be flagged, never
 * averaged in silently.
 */
import type { MultiTaskReport } from '@dtrn/metrics';

/**
 * `constant-predictions`: every prediction in the task's sample space is the same number.
 * `auc-0.5-every-epoch`: the validation AUC was exactly 0.5 at every evaluation so far.
 */
export type DegenerateReason = 'constant-predictions' | 'auc-0.5-every-epoch';

export interface DegenerateTask {
  readonly task: string;
  readonly reasons: readonly DegenerateReason[];
}

/** True when a report's predictions for a task are all equal (min = max over its sample space). */
export function hasConstantPredictions(task: MultiTaskReport['tasks'][number]): boolean {
  // `!= null`: reports from checkpoints of older versions lack the range
  return task.count > 0 && task.minPrediction != null && task.minPrediction === task.maxPrediction;
}

/**
 * The degenerate tasks of a model evaluated as `current`, given every validation report of the
 * run so far (`current` included). Reports are indexed like the task names.
 */
export function degenerateTasks(
  current: MultiTaskReport,
  history: readonly (MultiTaskReport | null)[],
): DegenerateTask[] {
  const reports = history.filter((report): report is MultiTaskReport => report !== null);
  return current.tasks.flatMap((task, k) => {
    const reasons: DegenerateReason[] = [];
    if (hasConstantPredictions(task)) reasons.push('constant-predictions');
    if (reports.length > 0 && reports.every((report) => report.tasks[k]?.auc === 0.5)) {
      reasons.push('auc-0.5-every-epoch');
    }
    return reasons.length > 0 ? [{ task: task.task, reasons }] : [];
  });
}

/** One line for progress output and tables, e.g. `income (constant predictions; AUC 0.5 every epoch)`. */
export function describeDegenerate(tasks: readonly DegenerateTask[]): string {
  return tasks
    .map(
      ({ task, reasons }) =>
        `${task} (${reasons.map((reason) => (reason === 'constant-predictions' ? 'constant predictions' : 'AUC exactly 0.5 every epoch')).join('; ')})`,
    )
    .join(', ');
}

/**
 * The degenerate tasks of the weights the model ends with: those of the best epoch when they were
 * restored, else of the last evaluated epoch (AUC 0.5 is judged over the whole run).
 */
export function heldDegenerateTasks(
  // The fields of an EpochRecord this reads (the type is structural: events.ts imports this file).
  history: readonly { readonly epoch: number; readonly validation: MultiTaskReport | null }[],
  restoredEpoch: number | null,
): DegenerateTask[] {
  const held =
    restoredEpoch === null ? history.at(-1) : history.find((entry) => entry.epoch === restoredEpoch);
  if (!held?.validation) return [];
  return degenerateTasks(
    held.validation,
    history.map((entry) => entry.validation),
  );
}
