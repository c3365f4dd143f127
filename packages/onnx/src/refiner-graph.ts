/**
 * TRM (the per-task SENet-like refiner) as ONNX nodes: for task k, E^k [B, N, d] -> squeeze ->
 * excitation MLP -> gate -> re-weighted fields flattened to [B, N*d], as @dtrn/senet-refiner computes.
 */
import type { ResolvedSenetRefinerArgs } from '@dtrn/senet-refiner';
import type { GraphBuilder } from './graph-builder.js';
import { concat, denseStack, mlp, reshape, unsqueeze } from './ops.js';
import type { WeightReader } from './weights.js';

/** The excitation gate: 2 * sigmoid, sigmoid or relu. */
function gate(
  g: GraphBuilder,
  logits: string,
  kind: ResolvedSenetRefinerArgs['excitationActivation'],
): string {
  if (kind === 'relu') return g.node('Relu', [logits]);
  const sigmoid = g.node('Sigmoid', [logits]);
  return kind === 'sigmoid' ? sigmoid : g.node('Mul', [sigmoid, g.floatConstant([2])]);
}

/**
 * Task k's bottom x^k [B, N*d] from its field parts (2-D [B, w] values whose concatenation is the
 * field matrix flattened field-major, N*d columns in all).
 */
export function refinerGraph(
  g: GraphBuilder,
  weights: WeightReader,
  args: ResolvedSenetRefinerArgs,
  task: number,
  fieldParts: readonly string[],
): string {
  const { numFields: N, embeddingDim: d } = args;
  const fields = reshape(g, concat(g, fieldParts, 1), [0, N, d]); // [B, N, d]
  const squeezed =
    args.squeeze === 'mean'
      ? g.node('ReduceMean', [fields], { axes: [2], keepdims: 0 }) // [B, N]
      : reshape(g, fields, [0, N * d]); // [B, N*d]
  const layers = denseStack(weights, `refiner/task/${task}/excitation`);
  const logits = mlp(g, squeezed, layers, args.hiddenActivation, 'linear'); // [B, N]
  const fieldWeights = gate(g, logits, args.excitationActivation); // [B, N]
  return reshape(g, g.node('Mul', [fields, unsqueeze(g, fieldWeights, [2])]), [0, N * d]); // [B, N*d]
}
