/**
 * Degenerate (model, seed, task) runs: a task that learned nothing (the trainer's validation flags
 * of the kept weights, or constant test predictions). Summaries, intervals and gains leave them
 * out and say so; tables and reports flag them. Never averaged in silently.
 */
import type { MultiTaskReport } from '@dtrn/metrics';
import { type DegenerateTask, hasConstantPredictions } from '@dtrn/trainer';
import type { DegenerateEntry, ModelRun } from './results.js';

/** Reasons in words; others (`constant-<split>-predictions`) read with spaces for dashes. */
const REASON_TEXT: Readonly<Record<string, string>> = {
  'constant-predictions': 'constant validation predictions',
  'auc-0.5-every-epoch': 'validation AUC exactly 0.5 every epoch',
};

/**
 * The degenerate tasks of a trained run: the trainer's validation flags, plus constant predictions
 * on the evaluated `split` (reason `constant-<split>-predictions`).
 */
export function runDegenerate(
  fromFit: readonly DegenerateTask[],
  evaluated: MultiTaskReport,
  split = 'test',
): DegenerateEntry[] {
  return evaluated.tasks.flatMap((task) => {
    const reasons = [...(fromFit.find((entry) => entry.task === task.task)?.reasons ?? [])] as string[];
    if (hasConstantPredictions(task)) reasons.push(`constant-${split}-predictions`);
    return reasons.length > 0 ? [{ task: task.task, reasons }] : [];
  });
}

/** True when `run` is degenerate on `task` (results of older versions carry no flags). */
export function isDegenerate(run: ModelRun, task: string): boolean {
  return (run.degenerate ?? []).some((entry) => entry.task === task);
}

/** `income (constant test predictions; validation AUC exactly 0.5 every epoch)`, comma-separated. */
export function describeEntries(entries: readonly DegenerateEntry[]): string {
  return entries
    .map(
      ({ task, reasons }) =>
        `${task} (${reasons.map((reason) => REASON_TEXT[reason] ?? reason.replaceAll('-', ' ')).join('; ')})`,
    )
    .join(', ');
}

/** The headline of results with degenerate tasks (Markdown bold), or null. */
export function degenerateHeadline(results: { readonly runs: readonly ModelRun[] }): string | null {
  const flagged = results.runs.filter((run) => (run.degenerate ?? []).length > 0);
  if (flagged.length === 0) return null;
  const list = flagged
    .map((run) => `${run.model} seed ${run.seed}: ${describeEntries(run.degenerate ?? [])}`)
    .join('; ');
  return `**FLAGGED: degenerate tasks** (learned nothing; left out of means, intervals and gains): ${list}.`;
}
