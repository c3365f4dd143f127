/** A small training loop for the heads on MMoE synthetic data (test-only). */
import { createRng } from '@dtrn/base';
import * as tf from '@tensorflow/tfjs-core';
import type { MtlHeadBaseArgs, MtlHeadDefinition } from '../contract.js';
import { allHeadVariables } from '../define-head.js';
import type { MmoeSyntheticData } from './mmoe-synthetic.js';

export interface TrainOptions {
  readonly numTrain: number;
  readonly epochs: number;
  readonly batchSize: number;
  readonly learningRate: number;
  readonly seed: number;
}

export interface TrainResult {
  /** Mean binary cross-entropy per task on the held-out rows, before and after training. */
  readonly initialLoss: number[];
  readonly finalLoss: number[];
  /** Held-out AUC per task after training (Mann-Whitney, ties counted half). */
  readonly auc: number[];
}

/** Exact AUC of scores against 0/1 labels (test-only helper; the library one lives in @dtrn/metrics). */
export function rankAuc(scores: ArrayLike<number>, labels: ArrayLike<number>): number {
  const order = Array.from({ length: scores.length }, (_, i) => i).sort((a, b) => scores[a]! - scores[b]!);
  let rankSumPositive = 0;
  let positives = 0;
  for (let start = 0; start < order.length; ) {
    let end = start;
    while (end + 1 < order.length && scores[order[end + 1]!] === scores[order[start]!]) end++;
    const averageRank = (start + end) / 2 + 1;
    for (let i = start; i <= end; i++) {
      if (labels[order[i]!] === 1) {
        rankSumPositive += averageRank;
        positives++;
      }
    }
    start = end + 1;
  }
  const negatives = order.length - positives;
  return (rankSumPositive - (positives * (positives + 1)) / 2) / (positives * negatives);
}

// biome-ignore lint/suspicious/noExplicitAny: any head
type AnyHead = MtlHeadDefinition<any, any>;

/** Trains a 2-task head on the first `numTrain` rows (same input for every task) with Adam. */
export function trainHead(
  head: AnyHead,
  raw: Record<string, unknown>,
  data: MmoeSyntheticData,
  options: TrainOptions,
): TrainResult {
  const numSamples = data.labels[0].length;
  const inputDim = data.features.length / numSamples;
  const args = head.resolveArgs({ ...raw, numTasks: 2, inputDim, seed: options.seed }) as MtlHeadBaseArgs;
  const params = head.createParams(args);
  const variables = Object.values(allHeadVariables(head.variables(params)));
  const optimizer = tf.train.adam(options.learningRate);
  const features = tf.tensor2d(data.features, [numSamples, inputDim]); // [N, d]
  const labels = data.labels.map((y) => tf.tensor2d(y, [numSamples, 1])); // 2 x [N, 1]
  const heldOut = tf.range(options.numTrain, numSamples, 1, 'int32');
  const evaluate = () =>
    tf.tidy(() => {
      const x = tf.gather(features, heldOut); // [M, d]
      const { logits } = head.forward(params, { taskInputs: [x, x], sharedInput: x }, args, {
        training: false,
      });
      const losses = logits.map((z, task) =>
        tf.losses.sigmoidCrossEntropy(tf.gather(labels[task]!, heldOut), z),
      );
      return { losses: losses.map((l) => l.dataSync()[0]!), scores: logits.map((z) => z.dataSync()) };
    });
  const initial = evaluate();
  const rng = createRng(options.seed);
  let step = 0;
  for (let epoch = 0; epoch < options.epochs; epoch++) {
    const order = rng.permutation(options.numTrain);
    for (let start = 0; start + options.batchSize <= options.numTrain; start += options.batchSize) {
      const rows = tf.tensor1d(Int32Array.from(order.subarray(start, start + options.batchSize)), 'int32');
      const seed = step++;
      const cost = optimizer.minimize(
        () => {
          const x = tf.gather(features, rows); // [b, d]
          const { logits } = head.forward(params, { taskInputs: [x, x], sharedInput: x }, args, {
            training: true,
            seed,
          });
          return tf.addN(
            logits.map((z, task) => tf.losses.sigmoidCrossEntropy(tf.gather(labels[task]!, rows), z)),
          ) as tf.Scalar;
        },
        false,
        variables,
      );
      cost?.dispose();
      rows.dispose();
    }
  }
  const final = evaluate();
  const heldLabels = data.labels.map((y) => y.subarray(options.numTrain));
  const auc = final.scores.map((scores, task) => rankAuc(scores, heldLabels[task]!));
  tf.dispose([features, ...labels, heldOut, ...variables]);
  optimizer.dispose();
  return { initialLoss: initial.losses, finalLoss: final.losses, auc };
}
