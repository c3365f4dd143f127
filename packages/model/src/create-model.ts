/** `createModel(schema, args)`: the one builder of every preset. */
import { type DatasetSchema, validateSchema } from '@dtrn/data';
import { DtrnModel } from './dtrn-model.js';
import { type ModelArgs, resolveModelArgs } from './model-args.js';
import type { RecommenderModel } from './recommender-model.js';
import { SingleTaskModels } from './single-task-model.js';

/**
 * Builds a model for `schema` (validated) from `args` (resolved strictly; see `ModelArgs`, or
 * `modelPreset(name)`). The caller disposes the model.
 */
export function createModel(schema: DatasetSchema, args: ModelArgs = {}): RecommenderModel {
  const validSchema = validateSchema(schema, 'createModel: schema');
  const resolved = resolveModelArgs(args, 'createModel: args');
  return resolved.singleTask
    ? new SingleTaskModels(validSchema, resolved)
    : new DtrnModel(validSchema, resolved);
}
