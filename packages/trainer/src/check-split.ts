/**
 * The check every data set gets before `fit` takes its first step or `evaluate` its first batch:
 * the full `validateDataset` of `@dtrn/data` (ids in range, labels in {0, 1}, finite dense values,
 * masks that match the labels, ...), at least one row, and optionally both label classes in each
 * task's sample space (an AUC is undefined on one class). Errors name the split, and the column
 * and row or the task. One pass over every column: ~0.03 s per million cells (trainer README).
 */
import { DataError, isDataError, isShapeError, ShapeError } from '@dtrn/base';
import { type InMemoryDataset, validateDataset } from '@dtrn/data';

/** Rows in a task's sample space and the positives among them. */
export interface TaskClassCount {
  readonly task: string;
  readonly count: number;
  readonly positives: number;
}

export interface CheckSplitOptions {
  /** How messages name the data, e.g. `validation split` or `fit trainData`. */
  readonly name: string;
  /** Tasks that must hold both classes in their sample space (true: every task). Default none. */
  readonly bothClasses?: boolean | readonly string[];
}

/**
 * GAUC groups without a schema `groupField` are the caller's (e.g. OTTO sessions kept in an extra
 * column, set by the app): checked for type and length here, then left out of `validateDataset`,
 * which only knows groups that mirror a sparse field.
 */
function withoutCallerGroups(dataset: InMemoryDataset, name: string): InMemoryDataset {
  if (dataset.schema.groupField !== undefined || dataset.groups === undefined) return dataset;
  const { groups, ...rest } = dataset;
  if (!(groups instanceof Int32Array) || groups.length !== dataset.size) {
    throw new ShapeError(`${name}: groups must be an Int32Array with one value per row`, {
      expected: `Int32Array(${dataset.size})`,
      found: groups,
    });
  }
  return rest;
}

/** Per task, the rows of its sample space (mask 1, or every row) and their positives. */
export function taskClassCounts(dataset: InMemoryDataset): TaskClassCount[] {
  return dataset.schema.tasks.map((task, k) => {
    const labels = dataset.labels[k]!;
    const mask = dataset.sampleMasks[k];
    let count = 0;
    let positives = 0;
    for (let row = 0; row < dataset.size; row++) {
      if (mask && mask[row] !== 1) continue;
      count += 1;
      positives += labels[row]!;
    }
    return { task: task.name, count, positives };
  });
}

function oneClassMessage(entry: TaskClassCount, sampleSpace: string): string {
  if (entry.count === 0) return `no rows in its sample space (${sampleSpace})`;
  const missing = entry.positives === 0 ? 'positives' : 'negatives';
  return `no ${missing} (${entry.positives} positives in ${entry.count} rows of its sample space)`;
}

/**
 * Validates `dataset` and returns its per-task class counts. Throws a DataError (or ShapeError)
 * whose message starts with `options.name`: a bad value (with column and row), no rows, or a task
 * listed in `bothClasses` with one class only.
 */
export function checkSplit(dataset: InMemoryDataset, options: CheckSplitOptions): TaskClassCount[] {
  const { name } = options;
  try {
    validateDataset(withoutCallerGroups(dataset, name));
  } catch (error) {
    if (isDataError(error)) throw new DataError(`${name}: ${error.message}`, { cause: error });
    if (isShapeError(error)) throw new ShapeError(`${name}: ${error.message}`, { cause: error });
    throw error;
  }
  if (dataset.size === 0) {
    throw new DataError(`${name} is empty`, { expected: 'at least one row' });
  }
  const counts = taskClassCounts(dataset);
  const required =
    options.bothClasses === true
      ? counts.map((entry) => entry.task)
      : options.bothClasses === false || options.bothClasses === undefined
        ? []
        : options.bothClasses;
  for (const entry of counts) {
    if (!required.includes(entry.task)) continue;
    if (entry.positives > 0 && entry.positives < entry.count) continue;
    const space = dataset.schema.tasks.find((task) => task.name === entry.task)?.sampleSpace;
    const sampleSpace = space && space !== 'all' ? `rows where ${space.positiveOf} is 1` : 'every row';
    throw new DataError(
      `${name}: task "${entry.task}" has ${oneClassMessage(entry, sampleSpace)}, so its AUC is undefined`,
      {
        expected: `both classes of "${entry.task}" (a larger split, more data, or a split by another key)`,
      },
    );
  }
  return counts;
}
