/**
 * The size of the model `createModel(schema, args)` would build, computed from the config alone (no
 * tensors): `loadModel` checks it against its limit and the manifest's weights before building, so
 * a small manifest that asks for a huge model is refused at once.
 */
import { deriveSeed } from '@dtrn/base';
import { type DatasetSchema, validateSchema } from '@dtrn/data';
import { type AnyMtlHeadDefinition, getHead, type MtlHeadBaseArgs } from '@dtrn/mtl-heads';
import { plannedBottomParameterCount } from './bottom.js';
import { type FeatureLayout, planFeatures } from './feature-layout.js';
import { type ModelArgs, type ResolvedModelArgs, resolveModelArgs } from './model-args.js';

/** The head definition and its resolved args for a model's layout. */
export function modelHead(
  args: ResolvedModelArgs,
  layout: FeatureLayout,
  numTasks: number,
): { readonly head: AnyMtlHeadDefinition; readonly headArgs: MtlHeadBaseArgs } {
  const head = getHead(args.head);
  const headArgs = head.resolveArgs({
    ...args.headArgs,
    numTasks,
    inputDim: layout.fieldNames.length * args.embeddingDim,
    seed: deriveSeed(args.seed, 'head'),
  });
  return { head, headArgs };
}

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
 * Parameter counts of the model `createModel(schema, args)` would build, without building it
 * (validates `schema` and `args` as `createModel` does).
 */
export function plannedParameterCount(
  schema: DatasetSchema,
  args: ModelArgs = {},
  where = 'plannedParameterCount',
): PlannedSize {
  const validSchema = validateSchema(schema, `${where}: schema`);
  const resolved = resolveModelArgs(args, `${where}: args`);
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
