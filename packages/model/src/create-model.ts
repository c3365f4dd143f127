/** `createModel(schema, args)`: the one builder of every preset. */
import { ConfigError } from '@dtrn/base';
import { type DatasetSchema, validateSchema } from '@dtrn/data';
import { DtrnModel } from './dtrn-model.js';
import { planFeatures } from './feature-layout.js';
import { type ModelArgs, type ResolvedModelArgs, resolveModelArgs, usesTaskInterests } from './model-args.js';
import type { RecommenderModel } from './recommender-model.js';
import { SingleTaskModels } from './single-task-model.js';

/** Model presets without TIM, for data without behavior sequences. */
const PRESETS_WITHOUT_TIM =
  'dtrn-shared-bottom-no-tim, dtrn-mmoe-no-tim, dtrn-ple-no-tim (TRM without TIM), or shared-bottom, mmoe, ple';

/**
 * TIM (bottoms `dtrn` and `dtrn-no-trm`) turns each behavior sequence into task-specific interests:
 * without sequences it has nothing to condition, so those bottoms are refused here, naming what is
 * missing, rather than failing inside the refiner or the head.
 */
function checkSequencesForTim(schema: DatasetSchema, args: ResolvedModelArgs): void {
  if (!usesTaskInterests(args.bottom) || (schema.sequences?.behaviors.length ?? 0) > 0) return;
  throw new ConfigError(
    `createModel: bottom "${args.bottom}" needs behavior sequences (TIM), but the schema has no sequences`,
    {
      expected: `schema.sequences with at least one behavior, or a model without TIM: bottom "dtrn-no-tim" or "shared" (presets ${PRESETS_WITHOUT_TIM})`,
      found: `${schema.sparseFields.length} sparse and ${schema.denseFields.length} dense fields, no schema.sequences`,
    },
  );
}

/** The validated schema and resolved args, after every check `createModel` makes before building. */
export function checkedConfig(schema: DatasetSchema, args: ModelArgs) {
  const validSchema = validateSchema(schema, 'createModel: schema');
  const resolved = resolveModelArgs(args, 'createModel: args');
  checkSequencesForTim(validSchema, resolved);
  planFeatures(validSchema, resolved); // excludeFields, embedding widths
  return { validSchema, resolved };
}

/**
 * Throws the ConfigError `createModel(schema, args)` would throw for the schema, the args or their
 * combination, without building anything (no tensors, no memory): apps check every model of a
 * comparison before training the first.
 */
export function checkModelConfig(schema: DatasetSchema, args: ModelArgs = {}): void {
  checkedConfig(schema, args);
}

/**
 * Builds a model for `schema` (validated) from `args` (resolved strictly; see `ModelArgs`, or
 * `modelPreset(name)`). The caller disposes the model. Bottoms with TIM (`dtrn`, `dtrn-no-trm`)
 * need a schema with behavior sequences (a ConfigError otherwise).
 */
export function createModel(schema: DatasetSchema, args: ModelArgs = {}): RecommenderModel {
  const { validSchema, resolved } = checkedConfig(schema, args);
  return resolved.singleTask
    ? new SingleTaskModels(validSchema, resolved)
    : new DtrnModel(validSchema, resolved);
}
