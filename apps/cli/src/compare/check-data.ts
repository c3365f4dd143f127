/**
 * What `train` and `compare` check once a seed's data is loaded, before any model trains: the
 * early-stopping monitor against the data's tasks, and every split with the trainer's `checkSplit`
 * (each value, at least one row, both classes of every task: the test AUC is the result, so a split
 * on which it is undefined fails now, not after training).
 */
import { checkSplit, parseMonitor } from '@dtrn/trainer';
import type { TrainingConfig } from '../config/training-config.js';
import type { LoadedData } from '../data/load-data.js';

export const SPLITS = ['train', 'validation', 'test'] as const;

/** `label` names the data in messages, e.g. `seed 3`. */
export function checkRunData(data: LoadedData, training: TrainingConfig, label: string): void {
  parseMonitor(
    training.monitor,
    data.schema.tasks.map((task) => task.name),
    'training.monitor',
  );
  for (const split of SPLITS) {
    checkSplit(data[split], { name: `${split} split (${label})`, bothClasses: true });
  }
}
