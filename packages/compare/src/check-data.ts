/**
 * What the engine checks once a seed's data is loaded, before any model trains: the
 * early-stopping monitor against the data's tasks, and every split with the trainer's `checkSplit`
 * (each value and at least one row). Both classes are required where a metric would otherwise be
 * undefined and used: every task of the training split, and the validation tasks the monitor reads
 * when early stopping is on. Elsewhere a task with one class is a warning naming split and task
 * (its AUC will be `null`, with the reason).
 */
import type { DatasetSchema, InMemoryDataset } from '@dtrn/data';
import { aucUndefinedReason } from '@dtrn/metrics';
import { checkSplit, parseMonitor } from '@dtrn/trainer';
import type { TrainingSettings } from './config.js';

export const SPLITS = ['train', 'validation', 'test'] as const;

/** One seed's splits, as a data source hands them to the engine. */
export interface SeedData {
  readonly schema: DatasetSchema;
  readonly train: InMemoryDataset;
  readonly validation: InMemoryDataset;
  readonly test: InMemoryDataset;
  /** One line for logs and reports, e.g. `synthetic control/tiny, 1000 rows (seed 5)`. */
  readonly description: string;
}

/**
 * Throws a DataError for bad splits; returns a warning for each task outside training whose AUC
 * will be undefined. `label` names the data in messages, e.g. `seed 3`.
 */
export function checkSeedData(
  data: SeedData,
  training: Pick<TrainingSettings, 'monitor' | 'patience'>,
  label: string,
): string[] {
  const warnings: string[] = [];
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
      if (reason) warnings.push(`${name}: task "${count.task}" has ${reason}; its AUC will be n/a`);
    }
  }
  return warnings;
}
