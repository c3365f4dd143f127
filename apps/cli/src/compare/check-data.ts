/**
 * What `train` and `compare` check once a seed's data is loaded, before any model trains: the
 * early-stopping monitor against the data's tasks, and every split with the trainer's `checkSplit`
 * (each value and at least one row). Both classes are required where a metric would otherwise be
 * undefined and used: every task of the training split, and the validation tasks the monitor reads
 * when early stopping is on. Elsewhere a task with one class is a warning naming split and task
 * (its AUC will print as `n/a` with the reason).
 */
import { aucUndefinedReason } from '@dtrn/metrics';
import { checkSplit, parseMonitor } from '@dtrn/trainer';
import type { TrainingConfig } from '../config/training-config.js';
import type { LoadedData } from '../data/load-data.js';
import type { ProgressReporter } from '../runtime/progress.js';

export const SPLITS = ['train', 'validation', 'test'] as const;

/** `label` names the data in messages, e.g. `seed 3`. */
export function checkRunData(
  data: LoadedData,
  training: TrainingConfig,
  label: string,
  progress: ProgressReporter,
): void {
  const monitor = parseMonitor(
    training.monitor,
    data.schema.tasks.map((task) => task.name),
    'training.monitor',
  );
  const monitored = training.patience > 0 ? monitor.tasksNeedingBothClasses : [];
  for (const split of SPLITS) {
    const name = `${split} split (${label})`;
    const bothClasses = split === 'train' ? true : split === 'validation' ? monitored : false;
    for (const count of checkSplit(data[split], { name, bothClasses })) {
      const reason = aucUndefinedReason(count);
      if (reason) progress.info(`warning: ${name}: task "${count.task}" has ${reason}; its AUC will be n/a`);
    }
  }
}
