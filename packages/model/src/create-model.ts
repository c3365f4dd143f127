/** `createModel(schema, args)`: the one builder of every preset. */

import type { DatasetSchema } from '@dtrn/data';
import type { TypedHeadName } from '@dtrn/mtl-heads';
import { DtrnModel } from './dtrn-model.js';
import type { ModelArgs, ResolvedModelArgs } from './model-args.js';
import { type ModelConfig, resolveModelConfig } from './model-config.js';
import type { RecommenderModel } from './recommender-model.js';
import { SingleTaskModels } from './single-task-model.js';

/**
 * Throws the ConfigError `createModel(schema, args)` would throw for the schema, the args or their
 * combination, without building anything (no tensors, no memory): apps check every model of a
 * comparison before training the first.
 */
export function checkModelConfig<H extends string = TypedHeadName>(
  schema: DatasetSchema,
  args: ModelArgs<H> | ResolvedModelArgs = {},
): void {
  resolveModelConfig(schema, args);
}

/** Builds the model a resolved config describes (see `resolveModelConfig`). The caller disposes it. */
export function buildModel(config: ModelConfig): RecommenderModel {
  return config.args.singleTask ? new SingleTaskModels(config) : new DtrnModel(config.networks[0]!);
}

/**
 * Builds a model for `schema` (validated) from `args` (resolved strictly; see `ModelArgs`, or
 * `modelPreset(name)`). The caller disposes the model. Bottoms with TIM (`dtrn`, `dtrn-no-trm`)
 * need a schema with behavior sequences (a ConfigError otherwise).
 */
export function createModel<H extends string = TypedHeadName>(
  schema: DatasetSchema,
  args: ModelArgs<H> | ResolvedModelArgs = {},
): RecommenderModel {
  return buildModel(resolveModelConfig(schema, args));
}
