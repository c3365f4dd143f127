/** The dense variables of a model in a fixed order (shared, then each task's), validated once. */
import { ConfigError, type MultiTaskModel } from '@dtrn/core';
import type * as tf from '@tensorflow/tfjs-core';

export class TrainingVariables {
  /** Shared variables first, then task 0's, task 1's, ... */
  readonly dense: readonly tf.Variable[];
  readonly sharedCount: number;

  constructor(model: MultiTaskModel<unknown>) {
    const groups = model.variableGroups;
    if (groups.perTask.length !== model.taskNames.length) {
      throw new ConfigError('model.variableGroups.perTask needs one list per task', {
        expected: `${model.taskNames.length} lists (${model.taskNames.join(', ')})`,
        found: groups.perTask.length,
      });
    }
    this.dense = [...groups.shared, ...groups.perTask.flat()];
    this.sharedCount = groups.shared.length;
    const seen = new Set<tf.Variable>();
    for (const variable of this.dense) {
      if (seen.has(variable)) {
        throw new ConfigError('model.variableGroups lists a variable twice', {
          expected: 'each dense variable exactly once across shared and perTask',
          found: variable.name,
        });
      }
      if (variable.dtype !== 'float32') {
        throw new ConfigError('model.variableGroups holds a non-float32 variable', {
          expected: 'float32 trainable variables',
          found: `${variable.name} (${variable.dtype})`,
        });
      }
      seen.add(variable);
    }
  }

  /** Input indices (embedding inputs first, then dense) of everything all tasks share. */
  sharedInputIndices(sparseCount: number): number[] {
    return Array.from({ length: sparseCount + this.sharedCount }, (_, index) => index);
  }

  /** Input indices of `variableGroups.shared` only. */
  sharedDenseInputIndices(sparseCount: number): number[] {
    return Array.from({ length: this.sharedCount }, (_, index) => sparseCount + index);
  }
}
