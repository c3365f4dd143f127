/**
 * The encoder's LayerNorm parameters as graph constants, and the norms themselves. TIM's (gamma,
 * beta) depend only on (task, behavior): the encoder's own `hypernetEncoderLayerNorms` computes them
 * once at export time. The unconditioned encoder's shared rows are sliced per norm.
 */
import {
  type HypernetEncoderParams,
  hypernetEncoderLayerNorms,
  type ResolvedHypernetEncoderArgs,
} from '@dtrn/hypernet-encoder';
import * as tf from '@tensorflow/tfjs-core';
import type { GraphBuilder } from './graph-builder.js';
import type { WeightReader } from './weights.js';

const PREFIX = 'encoder/';

/** Per (task, behavior) or shared: the (gamma, beta) constant names of every LayerNorm. */
export type NormNames = (task: number, behavior: number, norm: number) => { gamma: string; beta: string };

/** Computes TIM's LayerNorm constants with the encoder's own code; names them per (k, m, n). */
export function conditionedNorms(weights: WeightReader, args: ResolvedHypernetEncoderArgs): NormNames {
  const read = (name: string) =>
    tf.tensor(weights.values(`${PREFIX}hypernet/${name}`), [...weights.shape(`${PREFIX}hypernet/${name}`)]);
  const created = [
    read('task_embedding'),
    read('behavior_embedding'),
    read('0/kernel'),
    read('0/bias'),
    read('1/kernel'),
    read('1/bias'),
  ];
  const [taskEmbedding, behaviorEmbedding, kernel0, bias0, kernel1, bias1] = created as [
    tf.Tensor,
    tf.Tensor,
    tf.Tensor,
    tf.Tensor,
    tf.Tensor,
    tf.Tensor,
  ];
  let gamma: Float32Array;
  let beta: Float32Array;
  try {
    // hypernetEncoderLayerNorms reads only the args and the hypernetwork.
    const params: HypernetEncoderParams = {
      args,
      hypernetwork: {
        taskEmbedding,
        behaviorEmbedding,
        layers: [
          { kernel: kernel0, bias: bias0 },
          { kernel: kernel1, bias: bias1 },
        ],
      },
      blocks: [],
      pooling: [],
    };
    const norms = hypernetEncoderLayerNorms(params); // [K, M, 2 * blocks, d] each
    gamma = norms.gamma.dataSync() as Float32Array;
    beta = norms.beta.dataSync() as Float32Array;
    tf.dispose([norms.gamma, norms.beta]);
  } finally {
    tf.dispose(created);
  }
  const { numBehaviors: M, embeddingDim: d } = args;
  const count = 2 * args.numBlocks;
  const cache = new Map<string, { gamma: string; beta: string }>();
  return (k, m, n) => {
    const key = `${k}/${m}/${n}`;
    let names = cache.get(key);
    if (!names) {
      const offset = ((k * M + m) * count + n) * d;
      const label = `tim/task/${k}/behavior/${m}/norm/${n}`;
      names = {
        gamma: weights.derived(`${label}/gamma`, [d], gamma.slice(offset, offset + d)),
        beta: weights.derived(`${label}/beta`, [d], beta.slice(offset, offset + d)),
      };
      cache.set(key, names);
    }
    return names;
  };
}

/** The unconditioned encoder's shared LayerNorm rows, one constant per norm. */
export function sharedNorms(weights: WeightReader, d: number): NormNames {
  const gamma = weights.values(`${PREFIX}layer_norm/gamma`);
  const beta = weights.values(`${PREFIX}layer_norm/beta`);
  const rows = new Map<number, { gamma: string; beta: string }>();
  return (_k, _m, n) => {
    let names = rows.get(n);
    if (!names) {
      names = {
        gamma: weights.derived(`encoder/norm/${n}/gamma`, [d], gamma.slice(n * d, (n + 1) * d)),
        beta: weights.derived(`encoder/norm/${n}/beta`, [d], beta.slice(n * d, (n + 1) * d)),
      };
      rows.set(n, names);
    }
    return names;
  };
}

/**
 * LayerNorm `n` over the last axis for every task replica: one `LayerNormalization` (opset 17) per
 * replica with that replica's (gamma, beta). `x` holds one shared replica (before the first
 * conditional norm) or one per task.
 */
export function layerNorms(
  g: GraphBuilder,
  x: readonly string[],
  replicas: number,
  norms: NormNames,
  m: number,
  n: number,
  epsilon: number,
): string[] {
  return Array.from({ length: replicas }, (_, k) => {
    const { gamma, beta } = norms(k, m, n);
    const input = x[x.length === 1 ? 0 : k]!;
    return g.node('LayerNormalization', [input, gamma, beta], { axis: -1, epsilon }, 'LayerNorm', [
      'epsilon',
    ]); // [B, L, d]
  });
}
