/**
 * The TIM forward pass for all K tasks x M behaviors in one call, over compacted sequences:
 *
 * 1. plan (plain JavaScript, from the masks): drop every sequence's leading padding, sort the
 *    sequences of all behaviors by span and cut them into buckets (compaction.ts);
 * 2. pack: gather the kept positions of every behavior into one [T, d] tensor, split by bucket;
 * 3. per bucket: the Transformer blocks and the pooling (encode-bucket.ts), each sequence with the
 *    conditional LayerNorms of its own (task, behavior) pair;
 * 4. unpack: scatter the pooled interests back to u[k][m] ([B, d]); all-padding sequences get 0.
 *
 * Leaving out padding changes nothing: padded keys get -1e9 (an exact zero after the softmax) and
 * padded positions an exact zero pooling weight, so they add exactly zero to every output and
 * every gradient.
 */
import { matMul2d } from '@dtrn/core';
import * as tf from '@tensorflow/tfjs-core';
import { attentionWeights } from './attention-sublayer.js';
import { type CompactionPlan, planCompaction, type SpanBucket } from './compaction.js';
import { type BucketContext, encodeBucket, type NormConditions } from './encode-bucket.js';
import { type GeneratedLayerNorms, hypernetEncoderLayerNorms } from './hypernetwork.js';
import {
  checkHypernetEncoderInputShapes,
  type HypernetEncoderForwardOptions,
  type HypernetEncoderInputs,
  type HypernetEncoderOutputs,
  hypernetEncoderInputShapes,
} from './inputs.js';
import { packSequences, takeRows } from './packing.js';
import type { HypernetEncoderParams } from './params.js';
import { gatherRows, inverseIndex } from './row-gather.js';

// Declared beside the inputs (encode-bucket.ts reads the options too, and imports no forward.ts).
export type { HypernetEncoderForwardOptions, HypernetEncoderOutputs } from './inputs.js';

/**
 * Every LayerNorm's (gamma, beta) for all K tasks as one row per behavior: [M, 2 * norms * K * d],
 * laid out (gamma|beta, norm, task, d), so a sequence's row is picked by a one-hot product.
 */
function conditionTable(norms: GeneratedLayerNorms): tf.Tensor2D {
  const [tasks, behaviors, count, d] = norms.gamma.shape as [number, number, number, number];
  const both = tf.stack([norms.gamma, norms.beta]); // [2, K, M, norms, d]
  const byBehavior = tf.transpose(both, [2, 0, 3, 1, 4]); // [M, 2, norms, K, d]
  return tf.reshape(byBehavior, [behaviors, 2 * count * tasks * d]) as tf.Tensor2D; // [M, 2*norms*K*d]
}

/** The (gamma, beta) of every LayerNorm for the bucket's sequences, picked by their behaviors. */
function bucketConditions(
  table: tf.Tensor2D,
  plan: CompactionPlan,
  bucket: SpanBucket,
  norms: GeneratedLayerNorms,
) {
  const [tasks, behaviors, count, d] = norms.gamma.shape as [number, number, number, number];
  const oneHot = new Float32Array(bucket.size * behaviors);
  for (let i = 0; i < bucket.size; i++) oneHot[i * behaviors + plan.sequenceBehavior[bucket.offset + i]!] = 1;
  const selector = tf.tensor2d(oneHot, [bucket.size, behaviors]); // [n, M]
  const rows = tf.reshape(matMul2d(selector, table), [bucket.size, 2 * count, tasks, d]); // [n, 2*norms, K, d]
  const perNorm = tf.transpose(rows, [1, 2, 0, 3]); // [2*norms, K, n, d]
  const pick = (index: number) =>
    tf.reshape(tf.slice(perNorm, [index, 0, 0, 0], [1, tasks, bucket.size, d]), [tasks, bucket.size, d]); // [K, n, d]
  const conditions: NormConditions = (norm) => ({ gamma: pick(norm), beta: pick(count + norm) });
  return conditions;
}

/**
 * Consecutive row blocks of x (contiguous copies on wasm, unlike column splits). One block is x
 * itself: tfjs cannot differentiate a split into a single tensor.
 */
function splitRows(x: tf.Tensor, sizes: readonly number[]): tf.Tensor[] {
  return sizes.length === 1 ? [x] : tf.split(x, [...sizes], 0);
}

/** Mask values of every behavior, as numbers (any non-zero is valid). */
function maskValues(masks: readonly tf.Tensor[]): ArrayLike<number>[] {
  return masks.map((mask) => mask.dataSync() as ArrayLike<number>);
}

/**
 * Encodes and pools every (task, behavior) pair. Pure over `params` (variables or
 * `LayerVariable.read()` values), wrapped in `tf.tidy`; returns u[k][m] ([B, d]), K x M new
 * tensors the caller disposes (in the unconditioned mode the K tensors of a behavior are clones
 * sharing one buffer: dispose each of them). Reads the masks' values (one synchronous download
 * each) to plan the compaction.
 *
 * @throws ShapeError when the inputs do not match `params.args` (see `checkHypernetEncoderInputShapes`).
 */
export function hypernetEncoderForward(
  params: HypernetEncoderParams,
  inputs: HypernetEncoderInputs,
  options: HypernetEncoderForwardOptions,
): HypernetEncoderOutputs {
  const { args } = params;
  checkHypernetEncoderInputShapes(args, hypernetEncoderInputShapes(inputs), 'HypernetEncoder inputs');
  const { numTasks, numBehaviors, embeddingDim: d } = args;
  const batch = inputs.target.shape[0]!;
  const plan = planCompaction(
    maskValues(inputs.masks),
    inputs.sequences.map((s) => s.shape[1]!),
    batch,
  );
  return tf.tidy(() => {
    const norms = params.hypernetwork ? hypernetEncoderLayerNorms(params) : undefined; // [K, M, 2*blocks, d]
    const packed = packSequences(inputs.sequences, plan); // [T, d]
    const targets = gatherRows(inputs.target, plan.sequenceSample, inverseIndex(plan.sequenceSample, batch)); // [S, d]: each packed sequence's target
    const { buckets } = plan;
    let start = 0;
    const positionParts = buckets.map((bucket) => {
      const part = takeRows(packed, start, bucket.size * bucket.length); // [n_j * L_j, d]
      start += bucket.size * bucket.length;
      return part;
    }); // J x [n_j * L_j, d]
    const targetParts = splitRows(
      targets,
      buckets.map((bucket) => bucket.size),
    ); // J x [n_j, d]
    const table2d = norms ? conditionTable(norms) : undefined; // [M, 2*norms*K*d]
    const attention = params.blocks.map((block) => attentionWeights(block, args.numHeads)); // per block
    const pooled = buckets.map((bucket, j) => {
      let x = tf.reshape(positionParts[j]!, [bucket.size, bucket.length, d]); // [n, L, d]
      if (params.positionEmbedding) {
        const rows = params.positionEmbedding.shape[0]!;
        const positions = tf.slice(params.positionEmbedding, [rows - bucket.length, 0], [bucket.length, d]); // [L, d]
        x = tf.add(x, positions); // [n, L, d]
      }
      const context: BucketContext = {
        params,
        options,
        conditions: table2d ? bucketConditions(table2d, plan, bucket, norms!) : undefined,
        seedLabel: `bucket-${j}`,
        attention,
      };
      const mask = tf.tensor2d(bucket.mask, [bucket.size, bucket.length]); // [n, L]
      const interests = encodeBucket(x, mask, targetParts[j]!, context); // [R, n, d]
      return tf.reshape(interests, [interests.shape[0]!, bucket.size * d]); // [R, n*d]
    });
    const replicas = pooled[0]!.shape[0]!;
    const all = tf.reshape(pooled.length === 1 ? pooled[0]! : tf.concat(pooled, 1), [
      replicas,
      plan.numSequences,
      d,
    ]); // [R, S, d]
    const unpacked = gatherRows(all, plan.sequenceOf, inverseIndex(plan.sequenceOf, plan.numSequences), 1); // [R, M*B, d]
    // tfjs cannot differentiate an unstack into a single tensor (Unpack's gradient then gets a
    // bare tensor, not a list), so one row is reshaped instead.
    const interests =
      replicas * numBehaviors === 1
        ? [tf.reshape(unpacked, [batch, d])]
        : tf.unstack(tf.reshape(unpacked, [replicas * numBehaviors, batch, d])); // R*M x [B, d]
    return Array.from({ length: numTasks }, (_, k) =>
      Array.from({ length: numBehaviors }, (_, m) => {
        const interest = interests[(replicas === 1 ? 0 : k) * numBehaviors + m]!; // [B, d]
        return replicas === 1 && k > 0 ? tf.clone(interest) : interest;
      }),
    );
  });
}
