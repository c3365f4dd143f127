/**
 * The hypernet encoder (TIM, or the unconditioned baseline encoder) as ONNX nodes, one behavior at a
 * time: learned positions, post-LN Transformer blocks with -1e9 on padded keys, and pooling
 * (DIN target attention, scaled dot product, or masked mean).
 *
 * TIM's conditional LayerNorm parameters depend only on (task, behavior): they are computed once at
 * export time by the encoder's own `hypernetEncoderLayerNorms` and stored as constants, so the graph
 * holds no hypernetwork (see encoder-norms.ts). The first attention sub-layer does not depend on the
 * task (post-LN), so it runs once per behavior, as in @dtrn/hypernet-encoder.
 */
import type { ResolvedHypernetEncoderArgs } from '@dtrn/hypernet-encoder';
import { conditionedNorms, layerNorms, sharedNorms } from './encoder-norms.js';
import type { GraphBuilder } from './graph-builder.js';
import type { EmbeddedSequence } from './graph-inputs.js';
import {
  type DenseNames,
  dense,
  denseStack,
  maskBias,
  mlp,
  reduceSum,
  reshape,
  softmax,
  unsqueeze,
} from './ops.js';
import type { WeightReader } from './weights.js';

const PREFIX = 'encoder/';

interface BlockNames {
  readonly query: DenseNames;
  readonly key: DenseNames;
  readonly value: DenseNames;
  readonly output: DenseNames;
  readonly feedForward: readonly [DenseNames, DenseNames];
}

/** Splits the fused [d, 3d] query/key/value projection into three [d, d] ones (same columns). */
function blockNames(weights: WeightReader, b: number, d: number): BlockNames {
  const base = `${PREFIX}block/${b}`;
  const kernel = weights.values(`${base}/attention/query_key_value/kernel`); // [d, 3d]
  const bias = weights.values(`${base}/attention/query_key_value/bias`); // [3d]
  const part = (index: number, label: string): DenseNames => {
    const columns = new Float32Array(d * d);
    for (let row = 0; row < d; row++) {
      columns.set(kernel.subarray(row * 3 * d + index * d, row * 3 * d + (index + 1) * d), row * d);
    }
    return {
      kernel: weights.derived(`encoder/block/${b}/attention/${label}/kernel`, [d, d], columns),
      bias: weights.derived(
        `encoder/block/${b}/attention/${label}/bias`,
        [d],
        bias.slice(index * d, (index + 1) * d),
      ),
    };
  };
  const [inner, outer] = denseStack(weights, `${base}/feed_forward`) as [DenseNames, DenseNames];
  return {
    query: part(0, 'query'),
    key: part(1, 'key'),
    value: part(2, 'value'),
    output: {
      kernel: weights.use(`${base}/attention/output/kernel`),
      bias: weights.use(`${base}/attention/output/bias`),
    },
    feedForward: [inner, outer],
  };
}

/**
 * Masked multi-head self-attention on rows: x [B*L, d], keyBias [B, 1, 1, L] -> [B*L, d]. Dense
 * layers run on 2-D rows (as @dtrn/core's dense layers do), which ONNX Runtime fuses into Gemm.
 */
function selfAttention(
  g: GraphBuilder,
  x: string,
  keyBias: string,
  block: BlockNames,
  heads: number,
  length: number,
  d: number,
): string {
  const headDim = d / heads;
  const query = g.node('Mul', [dense(g, x, block.query), g.floatConstant([1 / Math.sqrt(headDim)])]); // [B*L, d]
  const perHead = (value: string, perm: number[]) =>
    g.node('Transpose', [reshape(g, value, [-1, length, heads, headDim])], { perm }); // [B, h, ...]
  const q = perHead(query, [0, 2, 1, 3]); // [B, h, L, dh]
  const k = perHead(dense(g, x, block.key), [0, 2, 3, 1]); // [B, h, dh, L]
  const v = perHead(dense(g, x, block.value), [0, 2, 1, 3]); // [B, h, L, dh]
  const scores = g.node('Add', [g.node('MatMul', [q, k]), keyBias]); // [B, h, L, L]
  const attended = g.node('MatMul', [softmax(g, scores), v]); // [B, h, L, dh]
  const merged = reshape(g, g.node('Transpose', [attended], { perm: [0, 2, 1, 3] }), [-1, d]); // [B*L, d]
  return dense(g, merged, block.output); // [B*L, d]
}

/** The scorer of target-attention pooling: encoded [B, L, d] (and as rows [B*L, d]) -> scores [B, L]. */
type Scorer = (encoded: string, rows: string, length: number) => string;

function dinScorer(g: GraphBuilder, weights: WeightReader, target: string, d: number): Scorer {
  const kernel = weights.values(`${PREFIX}pooling/0/kernel`); // [4d, u]: rows for h, t, h - t, h * t
  const units = kernel.length / (4 * d);
  const rows = (index: number) => kernel.subarray(index * d * units, (index + 1) * d * units);
  const combine = (a: Float32Array, b: Float32Array, sign: number) =>
    a.map((value, i) => value + sign * b[i]!);
  const historyKernel = weights.derived(
    'encoder/pooling/0/history',
    [d, units],
    combine(rows(0), rows(2), 1),
  );
  const targetKernel = weights.derived('encoder/pooling/0/target', [d, units], combine(rows(1), rows(2), -1));
  const productKernel = weights.derived('encoder/pooling/0/product', [d, units], rows(3).slice());
  const bias = weights.use(`${PREFIX}pooling/0/bias`);
  const rest = denseStack(weights, `${PREFIX}pooling`).slice(1);
  const targetTerm = unsqueeze(g, g.node('Add', [g.node('MatMul', [target, targetKernel]), bias]), [1]); // [B, 1, u]
  const targetRow = unsqueeze(g, target, [1]); // [B, 1, d]
  return (encoded, encodedRows, length) => {
    const products = reshape(g, g.node('Mul', [encoded, targetRow]), [-1, d]); // [B*L, d]
    const sequenceTerm = g.node('Add', [
      g.node('MatMul', [encodedRows, historyKernel]),
      g.node('MatMul', [products, productKernel]),
    ]); // [B*L, u]
    const hidden = g.node('Relu', [
      g.node('Add', [reshape(g, sequenceTerm, [-1, length, units]), targetTerm]),
    ]); // [B, L, u]
    const scores = mlp(g, reshape(g, hidden, [-1, units]), rest, 'relu', 'linear'); // [B*L, 1]
    return reshape(g, scores, [-1, length]); // [B, L]
  };
}

function dotScorer(g: GraphBuilder, target: string, d: number): Scorer {
  const targetRow = unsqueeze(g, target, [1]); // [B, 1, d]
  return (encoded) =>
    g.node('Mul', [
      reduceSum(g, g.node('Mul', [encoded, targetRow]), [2], false),
      g.floatConstant([1 / Math.sqrt(d)]),
    ]); // [B, L]
}

/** Masked pooling of one encoded replica (rows [B*L, d]) -> [B, d]. */
function pool(
  g: GraphBuilder,
  rows: string,
  mask: string,
  scorer: Scorer | null,
  length: number,
  d: number,
): string {
  const encoded = reshape(g, rows, [-1, length, d]); // [B, L, d]
  const validCount = reduceSum(g, mask, [1], true); // [B, 1]
  if (!scorer) {
    const summed = reduceSum(g, g.node('Mul', [encoded, unsqueeze(g, mask, [2])]), [1], false); // [B, d]
    return g.node('Div', [summed, g.node('Max', [validCount, g.floatConstant([1])])]);
  }
  const weightsOverL = softmax(g, g.node('Add', [scorer(encoded, rows, length), maskBias(g, mask)])); // [B, L]
  const pooled = reduceSum(g, g.node('Mul', [encoded, unsqueeze(g, weightsOverL, [2])]), [1], false); // [B, d]
  const anyValid = g.node('Cast', [g.node('Greater', [validCount, g.floatConstant([0])])], { to: 1 }); // [B, 1]
  return g.node('Mul', [pooled, anyValid]);
}

/**
 * Interests u[k][m] ([B, d] value names): K rows when the encoder is conditioned (TIM), one row
 * otherwise. `target` is the [B, d] target element.
 */
export function encoderGraph(
  g: GraphBuilder,
  weights: WeightReader,
  args: ResolvedHypernetEncoderArgs,
  sequences: readonly EmbeddedSequence[],
  target: string,
): string[][] {
  const d = args.embeddingDim;
  const replicas = args.unconditioned ? 1 : args.numTasks;
  const norms = args.unconditioned ? sharedNorms(weights, d) : conditionedNorms(weights, args);
  const blocks = Array.from({ length: args.numBlocks }, (_, b) => blockNames(weights, b, d));
  const positions = args.positionEmbedding ? weights.values(`${PREFIX}position_embedding`) : null;
  const scorer =
    args.pooling === 'target-attention-din'
      ? dinScorer(g, weights, target, d)
      : args.pooling === 'target-attention-dot'
        ? dotScorer(g, target, d)
        : null;
  const positionSlices = new Map<number, string>();
  const interests: string[][] = Array.from({ length: replicas }, () => []);
  sequences.forEach((sequence, m) => {
    const L = sequence.length;
    let x = sequence.elements; // [B, L, d]
    if (positions) {
      let slice = positionSlices.get(L);
      if (!slice) {
        const rows = args.maxSequenceLength; // the newest L rows of the table
        const values = positions.slice((rows - L) * d, rows * d);
        slice = weights.derived(`encoder/position_embedding/last_${L}`, [L, d], values);
        positionSlices.set(L, slice);
      }
      x = g.node('Add', [x, slice]); // [B, L, d]
    }
    const keyBias = unsqueeze(g, maskBias(g, sequence.mask), [1, 2]); // [B, 1, 1, L]
    let states = [reshape(g, x, [-1, d])]; // rows [B*L, d]; one replica until the first conditional norm
    blocks.forEach((block, b) => {
      const epsilon = args.layerNormEpsilon;
      const attended = states.map((s) =>
        g.node('Add', [s, selfAttention(g, s, keyBias, block, args.numHeads, L, d)]),
      );
      const normalized = layerNorms(g, attended, replicas, norms, m, 2 * b, epsilon); // R x [B, L, d]
      const [inner, outer] = block.feedForward;
      const fed = normalized.map((h) => g.node('Add', [h, dense(g, dense(g, h, inner, 'relu'), outer)]));
      states = layerNorms(g, fed, replicas, norms, m, 2 * b + 1, epsilon);
    });
    states.forEach((encoded, k) => {
      interests[k]!.push(pool(g, encoded, sequence.mask, scorer, L, d)); // [B, d]
    });
  });
  return interests;
}
