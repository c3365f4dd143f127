/** Wraps generated MMoE data as an InMemoryDataset with dense fields (the dtrn data contract). */
import { ConfigError } from '@dtrn/base';
import type { DatasetSchema, InMemoryDataset } from '@dtrn/data';
import type { MmoeData } from './mmoe-generator.js';

/** Options of {@link mmoeDataToDataset}. */
export interface MmoeDatasetOptions {
  /** Task names, one per task. Default `task0`, `task1`, ... */
  readonly taskNames?: readonly string[];
  /** Dense field name prefix: fields are `${prefix}${i}`. Default `x`. */
  readonly fieldPrefix?: string;
}

/**
 * The MMoE data as an {@link InMemoryDataset}: one dense field per input dimension (`x0..x{d-1}`),
 * one task per target with the median-binarised labels, no sparse fields, no sequences. The
 * regression targets ride along as extras `target/<task>` (carried through splits and batches).
 * Needs data generated with `binarise: true` (the contract's labels are 0/1).
 *
 * The dense columns are copies (the generator's row-major `x` is left untouched).
 */
export function mmoeDataToDataset(data: MmoeData, options: MmoeDatasetOptions = {}): InMemoryDataset {
  const { labels, targets, x } = data;
  const { numSamples, inputDim, numTasks } = data.args;
  if (!labels) {
    throw new ConfigError('mmoeDataToDataset: the data has no labels', {
      expected: 'data generated with binarise: true',
      found: 'binarise: false',
    });
  }
  const taskNames = options.taskNames ?? Array.from({ length: numTasks }, (_, k) => `task${k}`);
  if (taskNames.length !== numTasks || new Set(taskNames).size !== numTasks) {
    throw new ConfigError('mmoeDataToDataset: taskNames must name every task once', {
      expected: `${numTasks} distinct names`,
      found: taskNames,
    });
  }
  const prefix = options.fieldPrefix ?? 'x';
  const dense = Array.from({ length: inputDim }, (_, field) => {
    const column = new Float32Array(numSamples);
    for (let sample = 0; sample < numSamples; sample++) column[sample] = x[sample * inputDim + field]!;
    return column;
  });
  const schema: DatasetSchema = {
    idSpaces: [],
    sparseFields: [],
    denseFields: Array.from({ length: inputDim }, (_, field) => ({ name: `${prefix}${field}` })),
    tasks: taskNames.map((name) => ({ name, sampleSpace: 'all' as const })),
  };
  const extras: Record<string, Float32Array> = {};
  taskNames.forEach((name, task) => {
    extras[`target/${name}`] = targets[task]!;
  });
  return {
    schema,
    size: numSamples,
    sparse: [],
    dense,
    sequences: [],
    labels,
    sampleMasks: taskNames.map(() => undefined),
    extras,
  };
}
