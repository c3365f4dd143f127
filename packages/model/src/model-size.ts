/**
 * The size of the model `createModel(schema, args)` would build, computed from the config alone (no
 * tensors): `loadModel` checks it against its limit and the manifest's weights before building, so
 * a small manifest that asks for a huge model is refused at once.
 */

import type { DatasetSchema } from '@dtrn/data';
import type { TypedHeadName } from '@dtrn/mtl-heads';
import { plannedBottomParameterCount } from './bottom.js';
import type { ModelArgs, ResolvedModelArgs } from './model-args.js';
import { type ModelConfig, resolveModelConfig } from './model-config.js';

export interface PlannedSize {
  /** Dense weights (bottom and head), as `model.parameterCount().dense` would report. */
  readonly dense: number;
  /** Embedding rows x widths, as `model.parameterCount().embedding` would report. */
  readonly embedding: number;
}

/** Parameter counts of the model a resolved config describes (every network summed). */
export function configParameterCount(config: ModelConfig): PlannedSize {
  let dense = 0;
  let embedding = 0;
  for (const network of config.networks) {
    dense += plannedBottomParameterCount(network) + network.head.parameterCount(network.headArgs);
    // the bank's tables: the layout's, plus K copies with STEM
    embedding += (network.embeddings?.tables ?? []).reduce((sum, table) => sum + table.rows * table.dim, 0);
  }
  return { dense, embedding };
}

/**
 * Parameter counts of the model `createModel(schema, args)` would build, without building it; throws
 * the ConfigError `createModel` would throw for the schema, the args or their combination.
 */
export function plannedParameterCount<H extends string = TypedHeadName>(
  schema: DatasetSchema,
  args: ModelArgs<H> | ResolvedModelArgs = {},
): PlannedSize {
  return configParameterCount(resolveModelConfig(schema, args));
}
