/** Per-task evaluation over many batches and its Markdown table. */
import { ConfigError } from '@dtrn/base';
import { aucUndefinedReason, MetricAccumulator, type TaskMetrics } from './accumulator.js';
import type { GroupArray, NumericArray } from './validate.js';

export interface MultiTaskReport {
  readonly tasks: readonly TaskMetrics[];
  /** Mean AUC over tasks with a defined AUC; null if none. */
  readonly meanAuc: number | null;
}

/** One batch of predictions for every task, indexed like the task names. */
export interface MultiTaskBatch {
  readonly labels: readonly NumericArray[];
  readonly probs: readonly NumericArray[];
  /** Per-task sample space masks (undefined entries: all samples). */
  readonly masks?: readonly (NumericArray | Uint8Array | undefined)[];
  readonly groups?: GroupArray;
}

/** Accumulates every task of a multi-task model; `report()` gives the per-task metrics. */
export class MultiTaskAccumulator {
  private readonly accumulators: MetricAccumulator[];

  constructor(readonly taskNames: readonly string[]) {
    if (taskNames.length === 0)
      throw new ConfigError('MultiTaskAccumulator: taskNames is empty', { expected: 'at least one task' });
    if (new Set(taskNames).size !== taskNames.length) {
      throw new ConfigError('MultiTaskAccumulator: task names must be unique', { found: taskNames });
    }
    this.accumulators = taskNames.map((name) => new MetricAccumulator(name));
  }

  add(batch: MultiTaskBatch): void {
    const k = this.taskNames.length;
    if (batch.labels.length !== k || batch.probs.length !== k || (batch.masks && batch.masks.length !== k)) {
      throw new ConfigError('MultiTaskAccumulator.add: one entry per task expected', {
        expected: `${k} entries in labels, probs and masks`,
        found: `${batch.labels.length}, ${batch.probs.length}, ${batch.masks?.length ?? 'no'}`,
      });
    }
    for (let t = 0; t < k; t++) {
      const mask = batch.masks?.[t];
      this.accumulators[t]!.add(batch.labels[t]!, batch.probs[t]!, {
        ...(batch.groups ? { groups: batch.groups } : {}),
        ...(mask ? { mask } : {}),
      });
    }
  }

  /** The accumulator of one task. */
  task(name: string): MetricAccumulator {
    const index = this.taskNames.indexOf(name);
    if (index < 0)
      throw new ConfigError(`MultiTaskAccumulator: unknown task "${name}"`, {
        expected: this.taskNames.join(', '),
      });
    return this.accumulators[index]!;
  }

  report(): MultiTaskReport {
    return buildReport(this.accumulators.map((accumulator) => accumulator.result()));
  }
}

export function buildReport(tasks: readonly TaskMetrics[]): MultiTaskReport {
  const defined = tasks.map((task) => task.auc).filter((value): value is number => value !== null);
  return { tasks, meanAuc: defined.length > 0 ? defined.reduce((a, b) => a + b, 0) / defined.length : null };
}

function formatValue(value: number | null, digits: number): string {
  return value === null ? 'n/a' : value.toFixed(digits);
}

/** A Markdown table: task, samples, positives, AUC (or why it is undefined), GAUC (groups used), logloss. */
export function formatReportTable(report: MultiTaskReport, digits = 4): string {
  const lines = [
    '| task | samples | positives | AUC | GAUC (groups) | logloss |',
    '|---|---:|---:|---:|---:|---:|',
  ];
  for (const task of report.tasks) {
    lines.push(
      `| ${task.task} | ${task.count} | ${task.positives} | ${task.auc === null ? `n/a (${aucUndefinedReason(task) ?? 'undefined'})` : task.auc.toFixed(digits)} | ${formatValue(task.gauc, digits)} (${task.gaucGroupsUsed}) | ${formatValue(task.logloss, digits)} |`,
    );
  }
  lines.push(`\nMean AUC over tasks: ${formatValue(report.meanAuc, digits)}`);
  return lines.join('\n');
}
