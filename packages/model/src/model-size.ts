/**
 * The size of the model `createModel(schema, args)` would build, computed from the config alone (no
 * tensors): `loadModel` checks it against its limit and the manifest's weights before building, so
 * a small manifest that asks for a huge model is refused at once.
 */
import type { DatasetSchema } from '@dtrn/data';
import { plannedBottomParameterCount } from './bottom.js';
import { checkedConfig } from './create-model.js';
import { planFeatures } from './feature-layout.js';
import type { ModelArgs, ResolvedModelArgs } from './model-args.js';
import { modelHead } from './model-head.js';

export interface PlannedSize {
  /** Dense weights (bottom and head), as `model.parameterCount().dense` would report. */
  readonly dense: number;
  /** Embedding rows x widths, as `model.parameterCount().embedding` would report. */
  readonly embedding: number;
}

function plannedMultiTask(schema: DatasetSchema, args: ResolvedModelArgs): PlannedSize {
  const numTasks = schema.tasks.length;
  const layout = planFeatures(schema, args);
  const { head, headArgs } = modelHead(args, layout, numTasks);
  return {
    dense: plannedBottomParameterCount(layout, args, numTasks) + head.parameterCount(headArgs),
    embedding: layout.tables.reduce((sum, table) => sum + table.rows * table.dim, 0),
  };
}

/**
 * Parameter counts of the model `createModel(schema, args)` would build, without building it; throws
 * the ConfigError `createModel` would throw for the schema, the args or their combination.
 */
export function plannedParameterCount(schema: DatasetSchema, args: ModelArgs = {}): PlannedSize {
  const { validSchema, resolved } = checkedConfig(schema, args);
  if (!resolved.singleTask) return plannedMultiTask(validSchema, resolved);
  let dense = 0;
  let embedding = 0;
  for (const task of validSchema.tasks) {
    const part = plannedMultiTask({ ...validSchema, tasks: [task] }, { ...resolved, singleTask: false });
    dense += part.dense;
    embedding += part.embedding;
  }
  return { dense, embedding };
}
