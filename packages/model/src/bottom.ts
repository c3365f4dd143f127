/**
 * The bottom of a model: field embeddings [B, F, d], interests from the behavior sequences, and
 * the K task inputs plus the shared input the head reads (all [B, N*d], N = F + M).
 *
 * - `shared`: u[m] from the unconditioned encoder (or a masked mean); x = flatten(fields, u);
 *   every task input and the shared input are x.
 * - `dtrn`: TIM gives u[k][m]; TRM gives x^k; shared input = flatten(fields, mean_k u[k]).
 * - `dtrn-no-tim`: unconditioned u[m]; TRM over (fields, u) for every task; shared = flatten(fields, u).
 * - `dtrn-no-trm`: TIM; x^k = flatten(fields, u[k]); shared input as in `dtrn`.
 * - `stem`: x_0 from the shared tables, x_k from task k's (each as in `shared`);
 *   x^k = [x_0 | x_k], shared input = [x_0 | mean_k stopGradient(x_k)] ([B, 2*N*d]).
 */
import { deriveSeed } from '@dtrn/base';
import { ShapeError, seededInitializer } from '@dtrn/core';
import {
  createHypernetEncoderParams,
  type HypernetEncoderParams,
  hypernetEncoderForward,
  hypernetEncoderParameterCount,
  hypernetEncoderVariables,
} from '@dtrn/hypernet-encoder';
import {
  createSenetRefinerParams,
  type SenetRefinerParams,
  senetExcitationPrefix,
  senetRefinerForward,
  senetRefinerParameterCount,
  senetRefinerVariables,
} from '@dtrn/senet-refiner';
import * as tf from '@tensorflow/tfjs-core';
import type { FeatureLayout } from './feature-layout.js';
import { type ResolvedModelArgs, usesTaskInterests } from './model-args.js';
import type { NetworkConfig } from './model-config.js';
import type { ModelInputs } from './prepare-batch.js';

export interface BottomParams {
  readonly numTasks: number;
  readonly embeddingDim: number;
  /** [Fd, d]: one learned vector per dense field, or null. */
  readonly denseFieldVectors: tf.Variable | null;
  readonly encoder: HypernetEncoderParams | null;
  readonly refiner: SenetRefinerParams<tf.Variable> | null;
}

export interface BottomOutputs {
  /** K x [B, N*d]. */
  readonly taskInputs: tf.Tensor[];
  /** [B, N*d]. */
  readonly sharedInput: tf.Tensor;
  /** K x [B, N] TRM field weights when the bottom has TRM, otherwise empty. */
  readonly fieldWeights: tf.Tensor[];
  /** K x M x [B, d] behavior interests u[k][m] with TIM, 1 x M x [B, d] when task-agnostic. */
  readonly interests: tf.Tensor[][];
}

export interface NamedVariable {
  readonly name: string;
  readonly variable: tf.Variable;
  /** 'shared' or the task index. */
  readonly owner: 'shared' | number;
}

/** Dense parameters of the bottom `createBottomParams` would build, computed without building it. */
export function plannedBottomParameterCount(config: NetworkConfig): number {
  const { layout, encoder, refiner } = config;
  return (
    layout.denseFields.length * layout.embeddingDim +
    (encoder ? hypernetEncoderParameterCount(encoder) : 0) +
    (refiner ? senetRefinerParameterCount(refiner) : 0)
  );
}

/** The bottom's weights for a network's resolved config (its encoder and refiner args complete). */
export function createBottomParams(config: NetworkConfig): BottomParams {
  const { layout, args } = config;
  const numTasks = config.schema.tasks.length;
  const d = layout.embeddingDim;
  let denseFieldVectors: tf.Variable | null = null;
  if (layout.denseFields.length > 0) {
    const init = seededInitializer(
      'glorotUniform',
      deriveSeed(args.seed, 'dense-fields'),
      'dense_fields/embedding',
    );
    const initial = init.apply([layout.denseFields.length, d]);
    denseFieldVectors = tf.variable(initial, true);
    initial.dispose();
  }
  const encoderArgs = config.encoder;
  const encoder = encoderArgs ? createHypernetEncoderParams(encoderArgs) : null;
  const refinerArgs = config.refiner;
  // createSenetRefinerParams leaves its initial-value tensors behind (core's createDenseVariables
  // does not dispose them); the tidy frees them and keeps the variables.
  const refiner = refinerArgs
    ? (tf.tidy(() => createSenetRefinerParams(refinerArgs) as never) as SenetRefinerParams<tf.Variable>)
    : null;
  return { numTasks, embeddingDim: d, denseFieldVectors, encoder, refiner };
}

/** Every bottom variable with a stable name and its owner, in a fixed order. */
export function bottomVariables(params: BottomParams): NamedVariable[] {
  const out: NamedVariable[] = [];
  if (params.denseFieldVectors) {
    out.push({ name: 'dense_fields/embedding', variable: params.denseFieldVectors, owner: 'shared' });
  }
  if (params.encoder) {
    for (const [name, variable] of Object.entries(hypernetEncoderVariables(params.encoder))) {
      out.push({ name: `encoder/${name}`, variable, owner: 'shared' });
    }
  }
  if (params.refiner) {
    const variables = senetRefinerVariables(params.refiner);
    for (let task = 0; task < params.numTasks; task++) {
      const prefix = `${senetExcitationPrefix(task)}/`;
      for (const [name, variable] of Object.entries(variables)) {
        if (name.startsWith(prefix)) out.push({ name: `refiner/${name}`, variable, owner: task });
      }
    }
  }
  return out;
}

/** Closed-form parameter count of the bottom's dense weights. */
export function bottomParameterCount(params: BottomParams, layout: FeatureLayout): number {
  let total = layout.denseFields.length * layout.embeddingDim;
  if (params.encoder) total += hypernetEncoderParameterCount(params.encoder.args);
  if (params.refiner) total += senetRefinerParameterCount(params.refiner.args);
  return total;
}

/** Masked mean over the sequence: [B, L, d], [B, L] -> [B, d]; an empty sequence gives zeros. */
function maskedMean(sequence: tf.Tensor, mask: tf.Tensor): tf.Tensor {
  const weights = tf.expandDims(mask, 2); // [B, L, 1]
  const total = tf.sum(tf.mul(sequence, weights), 1); // [B, d]
  const count = tf.maximum(tf.sum(mask, 1, true), 1); // [B, 1]
  return tf.div(total, count); // [B, d]
}

/**
 * The F feature fields as flat 2-D parts ([B, Fs*d], [B, d], [B, Fd*d]). Everything is assembled
 * with 2-D concats: on wasm the gradient of a concat along an inner axis of a rank-3 tensor (SplitV)
 * is several times slower than the same split of a 2-D one.
 */
function featureParts(params: BottomParams, inputs: ModelInputs): tf.Tensor[] {
  const B = inputs.size;
  const parts: tf.Tensor[] = [];
  if (inputs.fields) parts.push(tf.reshape(inputs.fields, [B, -1])); // [B, Fs*d]
  if (inputs.target) parts.push(inputs.target); // [B, d]
  if (inputs.dense && params.denseFieldVectors) {
    const scaled = tf.mul(tf.expandDims(inputs.dense, 2), tf.expandDims(params.denseFieldVectors, 0)); // [B, Fd, d]
    parts.push(tf.reshape(scaled, [B, -1])); // [B, Fd*d]
  }
  return parts;
}

/** concat of 2-D parts along the columns; one part is returned as is. */
function concatColumns(parts: readonly tf.Tensor[]): tf.Tensor {
  return parts.length === 1 ? parts[0]! : tf.concat(parts as tf.Tensor[], 1);
}

/** Interests u[k][m] ([B, d]); one row (k = 0) when they are task-agnostic. */
function interests(
  params: BottomParams,
  inputs: ModelInputs,
  training: boolean,
  seed: number | undefined,
): tf.Tensor[][] {
  if (inputs.pooled.length > 0) return [[...inputs.pooled]]; // masked means from prepare
  if (inputs.sequences.length === 0) return [[]];
  if (!params.encoder) return [inputs.sequences.map((sequence, m) => maskedMean(sequence, inputs.masks[m]!))];
  return hypernetEncoderForward(
    params.encoder,
    { sequences: inputs.sequences, masks: inputs.masks, target: inputs.target! },
    { training, ...(seed === undefined ? {} : { dropoutSeed: deriveSeed(seed, 'encoder') }) },
  );
}

/** flatten(concat(fields, stack(u))) -> [B, N*d], field-major. */
function flattenFields(fields: readonly tf.Tensor[], u: readonly tf.Tensor[]): tf.Tensor {
  return concatColumns([...fields, ...u]); // [B, N*d]
}

/** Identity forward, zero gradient: what reads another task's embeddings leaves them untouched. */
const stopGradient = tf.customGrad((x, _save) => ({
  value: tf.clone(x as tf.Tensor),
  gradFunc: (dy: tf.Tensor) => tf.zerosLike(dy),
})) as (x: tf.Tensor) => tf.Tensor;

/** The `shared` bottom's flat input from one table set's gathers: [B, N*d]. */
function flatInput(
  params: BottomParams,
  inputs: ModelInputs,
  options: { training: boolean; seed?: number | undefined },
): { readonly flat: tf.Tensor; readonly interests: tf.Tensor[] } {
  const u = interests(params, inputs, options.training, options.seed)[0]!; // M x [B, d]
  return { flat: flattenFields(featureParts(params, inputs), u), interests: u }; // [B, N*d]
}

/** STEM: x^k = [x_0 | x_k]; shared input = [x_0 | mean_k stopGradient(x_k)], all [B, 2*N*d]. */
function stemForward(
  params: BottomParams,
  inputs: ModelInputs,
  taskInputs: readonly ModelInputs[],
  options: { training: boolean; seed?: number | undefined },
): BottomOutputs {
  const K = params.numTasks;
  if (taskInputs.length !== K) {
    throw new ShapeError('bottom "stem": the prepared batch has the wrong number of task inputs', {
      expected: `${K} (one per task)`,
      found: taskInputs.length,
    });
  }
  const sharedSet = flatInput(params, inputs, options);
  const shared = sharedSet.flat; // x_0, [B, N*d]
  const own = taskInputs.map((x) => flatInput(params, x, options).flat); // K x [B, N*d]
  const visible = tf.div(tf.addN(own.map((x) => stopGradient(x))), K); // [B, N*d], no gradient
  return {
    taskInputs: own.map((x) => tf.concat([shared, x], 1)), // K x [B, 2*N*d]
    sharedInput: tf.concat([shared, visible], 1), // [B, 2*N*d]
    fieldWeights: [],
    interests: [sharedSet.interests], // 1 x M x [B, d]: the interests over the shared tables
  };
}

export function bottomForward(
  params: BottomParams,
  args: ResolvedModelArgs,
  inputs: ModelInputs,
  options: { training: boolean; seed?: number | undefined },
  taskInputs: readonly ModelInputs[] = [],
): BottomOutputs {
  return tf.tidy((): BottomOutputs & tf.TensorContainerObject => {
    if (args.bottom === 'stem') return stemForward(params, inputs, taskInputs, options) as never;
    const K = params.numTasks;
    const B = inputs.size;
    const d = params.embeddingDim;
    const parts = featureParts(params, inputs); // 2-D parts of the F fields
    const u = interests(params, inputs, options.training, options.seed); // K (or 1) x M x [B, d]
    const taskSpecific = usesTaskInterests(args.bottom);
    const meanInterests =
      taskSpecific && K > 1
        ? u[0]!.map((_, m) => tf.div(tf.addN(u.map((row) => row[m]!)), K)) // M x [B, d]
        : u[0]!;
    const sharedInput = flattenFields(parts, meanInterests); // [B, N*d]
    if (args.bottom === 'shared') {
      return {
        taskInputs: Array.from({ length: K }, () => sharedInput),
        sharedInput,
        fieldWeights: [],
        interests: u,
      };
    }
    if (args.bottom === 'dtrn-no-trm') {
      const taskInputs = u.map((row) => flattenFields(parts, row)); // K x [B, N*d]
      return { taskInputs, sharedInput, fieldWeights: [], interests: u };
    }
    const perTask = taskSpecific ? u : Array.from({ length: K }, () => u[0]!);
    const fields = parts.length > 0 ? tf.reshape(concatColumns(parts), [B, -1, d]) : null; // [B, F, d]
    let refinerInputs: Parameters<typeof senetRefinerForward>[1];
    if (fields && perTask[0]!.length > 0) refinerInputs = { shared: fields, interests: perTask };
    else if (fields)
      refinerInputs = { fields: perTask.map(() => fields) }; // K x [B, F, d]
    else refinerInputs = { fields: perTask.map((row) => tf.stack(row as tf.Tensor[], 1)) }; // K x [B, M, d]
    const refined = senetRefinerForward(params.refiner!, refinerInputs, { training: options.training });
    return { taskInputs: refined.bottoms, sharedInput, fieldWeights: refined.fieldWeights, interests: u };
  });
}
