/**
 * `resolveModelConfig(schema, args)`: everything `createModel` needs, resolved once: the validated
 * schema, the args, the feature layout and every block's complete arguments (the counts from the
 * schema, the seeds derived from the model's). The model classes build from it without resolving
 * anything again; `plannedParameterCount`, `checkModelConfig` and the ONNX export read it.
 */
import { ConfigError, deriveSeed } from '@dtrn/base';
import { type ResolvedEmbeddingBankArgs, resolveEmbeddingBankArgs } from '@dtrn/core';
import { type DatasetSchema, validateSchema } from '@dtrn/data';
import { type ResolvedHypernetEncoderArgs, resolveHypernetEncoderArgs } from '@dtrn/hypernet-encoder';
import {
  type AnyMtlHeadDefinition,
  getHead,
  type MtlHeadBaseArgs,
  type TypedHeadName,
} from '@dtrn/mtl-heads';
import { type ResolvedSenetRefinerArgs, resolveSenetRefinerArgs } from '@dtrn/senet-refiner';
import { type FeatureLayout, planFeatures } from './feature-layout.js';
import { headCascade } from './head-cascade.js';
import {
  type ModelArgs,
  type ResolvedModelArgs,
  resolveModelArgs,
  usesRefiner,
  usesTaskEmbeddings,
  usesTaskInterests,
} from './model-args.js';
import { withPath } from './model-args-checks.js';
import { stemTables } from './stem-embeddings.js';

/** One multi-task network (a `DtrnModel`): its args on its schema, every block complete. */
export interface NetworkConfig {
  readonly schema: DatasetSchema;
  readonly args: ResolvedModelArgs;
  readonly layout: FeatureLayout;
  /** The EmbeddingBank's args (tables from the layout), or null when the layout has no tables. */
  readonly embeddings: ResolvedEmbeddingBankArgs | null;
  /** The hypernet-encoder's args, or null (no sequences, or `mean-pool`). */
  readonly encoder: ResolvedHypernetEncoderArgs | null;
  /** The senet-refiner's args, or null (a bottom without TRM). */
  readonly refiner: ResolvedSenetRefinerArgs | null;
  readonly head: AnyMtlHeadDefinition;
  /** The head's args (its own type, e.g. `ResolvedMmoeArgs`). */
  readonly headArgs: MtlHeadBaseArgs;
}

/**
 * A whole model: one network, or with `args.singleTask` one network per task (`networks[k]` for
 * task k, seeds derived per task).
 */
export interface ModelConfig {
  readonly schema: DatasetSchema;
  readonly args: ResolvedModelArgs;
  readonly networks: readonly NetworkConfig[];
}

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

function encoderArgs(layout: FeatureLayout, args: ResolvedModelArgs, numTasks: number) {
  if (layout.behaviors.length === 0 || args.sequenceEncoder !== 'transformer') return null;
  const conditioned = usesTaskInterests(args.bottom);
  return withPath('createModel: args.encoder', () =>
    resolveHypernetEncoderArgs({
      ...args.encoder,
      numTasks: conditioned ? numTasks : 1,
      numBehaviors: layout.behaviors.length,
      embeddingDim: layout.embeddingDim,
      maxSequenceLength: Math.max(...layout.behaviors.map((b) => b.maxLength)),
      unconditioned: !conditioned,
      seed: args.encoder.seed ?? deriveSeed(args.seed, 'encoder'),
    }),
  );
}

function refinerArgs(layout: FeatureLayout, args: ResolvedModelArgs, numTasks: number) {
  if (!usesRefiner(args.bottom)) return null;
  return withPath('createModel: args.refiner', () =>
    resolveSenetRefinerArgs({
      ...args.refiner,
      numTasks,
      numFields: layout.fieldNames.length,
      embeddingDim: layout.embeddingDim,
      seed: args.refiner.seed ?? deriveSeed(args.seed, 'refiner'),
    }),
  );
}

/** The config of one network for `schema` (validated) under `args`. */
function networkConfig(schema: DatasetSchema, args: ResolvedModelArgs): NetworkConfig {
  const numTasks = schema.tasks.length;
  const layout = planFeatures(schema, args); // excludeFields, embedding widths
  const embeddings =
    layout.tables.length === 0
      ? null
      : withPath('createModel: args.embeddings', () =>
          resolveEmbeddingBankArgs({
            ...args.embeddings,
            tables: usesTaskEmbeddings(args.bottom) ? stemTables(layout, numTasks) : layout.tables,
            seed: deriveSeed(args.seed, 'embeddings'),
          }),
        );
  const head = getHead(args.head);
  // ESMM, AITM: task indices along the funnel, from the sample spaces or a given cascade (head-cascade.ts).
  const given = (args.headArgs as { cascade?: unknown }).cascade;
  const cascade = head.usesCascade ? { cascade: headCascade(schema, head.name, given) } : {};
  const headArgs = withPath('createModel: args.headArgs', () =>
    head.resolveArgs({
      ...args.headArgs,
      ...cascade,
      numTasks,
      // N*d, or 2*N*d with STEM: [shared | task's] inputs
      inputDim: (usesTaskEmbeddings(args.bottom) ? 2 : 1) * layout.fieldNames.length * args.embeddingDim,
      seed: deriveSeed(args.seed, 'head'),
    }),
  );
  return Object.freeze({
    schema,
    args,
    layout,
    embeddings,
    encoder: encoderArgs(layout, args, numTasks),
    refiner: refinerArgs(layout, args, numTasks),
    head,
    headArgs,
  });
}

/**
 * Validates `schema`, resolves `args` (`resolveModelArgs`) and completes every block for the
 * schema. Throws the ConfigError `createModel` would throw, without building anything (no tensors).
 */
export function resolveModelConfig<H extends string = TypedHeadName>(
  schema: DatasetSchema,
  args: ModelArgs<H> | ResolvedModelArgs = {},
): ModelConfig {
  const validSchema = validateSchema(schema, 'createModel: schema');
  const resolved = resolveModelArgs(args, 'createModel: args');
  checkSequencesForTim(validSchema, resolved);
  const networks = resolved.singleTask
    ? validSchema.tasks.map((task, k) =>
        networkConfig(
          { ...validSchema, tasks: [{ name: task.name }] },
          { ...resolved, singleTask: false, seed: deriveSeed(resolved.seed, 'task', k) },
        ),
      )
    : [networkConfig(validSchema, resolved)];
  return Object.freeze({ schema: validSchema, args: resolved, networks: Object.freeze(networks) });
}
