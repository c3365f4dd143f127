/** Allocation of an in-memory dataset with every column of a schema, zero-filled. */
import { ConfigError, checkNumber, checkString } from '@dtrn/base';
import { summarizeSchema } from './schema-summary.js';
import type { DatasetSchema, InMemoryDataset, SequenceColumns } from './types.js';

export interface CreateDatasetOptions {
  /** Allocate a `timestamps` column ([N] Float64Array). Default false. */
  readonly timestamps?: boolean;
  /** Names of extra [N] Float32Array columns to allocate (e.g. `oracle/click`). Default none. */
  readonly extras?: readonly string[];
}

/**
 * Allocates every column of `schema` for `size` rows, zero-filled: sparse ids and sequences are
 * padding (0), labels 0, sample masks 0 for conditional tasks (recompute them with `sampleMasksFor(
 * schema, ds.labels, ds.sampleMasks)` after filling labels). `groups` is the same array as the
 * group field's sparse column, so filling one fills both.
 */
export function createEmptyDataset(
  schema: DatasetSchema,
  size: number,
  options: CreateDatasetOptions = {},
): InMemoryDataset {
  checkNumber(size, { integer: true, min: 0 }, 'createEmptyDataset: size');
  const summary = summarizeSchema(schema);
  const sparse = schema.sparseFields.map(() => new Int32Array(size));
  const sequences: SequenceColumns[] = (schema.sequences?.behaviors ?? []).map((behavior) => ({
    items: new Int32Array(size * behavior.maxLength),
    sideFields: schema.sequences!.sideFields.map(() => new Int32Array(size * behavior.maxLength)),
    maxLength: behavior.maxLength,
  }));
  const extras: Record<string, Float32Array> = {};
  for (const name of options.extras ?? []) {
    checkString(name, 'createEmptyDataset: extras[]');
    if (name in extras) throw new ConfigError(`createEmptyDataset: duplicate extra column "${name}"`);
    extras[name] = new Float32Array(size);
  }
  return {
    schema,
    size,
    sparse,
    dense: schema.denseFields.map(() => new Float32Array(size)),
    sequences,
    labels: schema.tasks.map(() => new Float32Array(size)),
    sampleMasks: summary.sampleSpaceParents.map((parent) =>
      parent < 0 ? undefined : new Float32Array(size),
    ),
    ...(summary.groupFieldIndex >= 0 ? { groups: sparse[summary.groupFieldIndex]! } : {}),
    ...(options.timestamps ? { timestamps: new Float64Array(size) } : {}),
    ...(options.extras && options.extras.length > 0 ? { extras } : {}),
  };
}
