/** Per-task sample-space masks computed from the labels (conversion is defined only on clicks). */
import { ShapeError } from '@dtrn/base';
import { summarizeSchema } from './schema-summary.js';
import type { DatasetSchema } from './types.js';

/**
 * Each task's mask from its sample space: `undefined` for `'all'`, else 1 where the parent task's
 * label is 1 and 0 elsewhere. With `into`, masks are written into those arrays (allocated where
 * missing) so a dataset's existing mask columns can be refreshed after filling labels.
 */
export function sampleMasksFor(
  schema: DatasetSchema,
  labels: readonly Float32Array[],
  into?: readonly (Float32Array | undefined)[],
): (Float32Array | undefined)[] {
  if (labels.length !== schema.tasks.length) {
    throw new ShapeError('sampleMasksFor: one label column per task is needed', {
      expected: `${schema.tasks.length} columns`,
      found: labels.length,
    });
  }
  const parents = summarizeSchema(schema).sampleSpaceParents;
  return parents.map((parent, task) => {
    if (parent < 0) return undefined;
    const parentLabels = labels[parent]!;
    const size = parentLabels.length;
    const mask = into?.[task] ?? new Float32Array(size);
    if (mask.length !== size) {
      throw new ShapeError(
        `sampleMasksFor: mask of task "${schema.tasks[task]!.name}" has the wrong length`,
        {
          expected: `${size}`,
          found: mask.length,
        },
      );
    }
    for (let row = 0; row < size; row++) mask[row] = parentLabels[row] === 1 ? 1 : 0;
    return mask;
  });
}
