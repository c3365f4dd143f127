/**
 * One `createModel` model (not single-task) as ONNX nodes: embedded inputs, the bottom (shared,
 * dtrn, dtrn-no-tim, dtrn-no-trm, stem; transformer or mean-pooled sequences), then the head. Mirrors
 * @dtrn/model's `bottomForward` wiring.
 */
import {
  type FeatureLayout,
  type NetworkConfig,
  type RecommenderModel,
  renameLayoutTables,
} from '@dtrn/model';
import type { ResolvedMtlHeadCommonArgs } from '@dtrn/mtl-heads';
import { encoderGraph } from './encoder-graph.js';
import type { GraphBuilder } from './graph-builder.js';
import { type EmbeddedFeatures, type EmbeddedSequence, embedInputs } from './graph-inputs.js';
import { headGraph } from './head-graph.js';
import { concat, reduceSum, unsqueeze } from './ops.js';
import { refinerGraph } from './refiner-graph.js';
import { WeightReader } from './weights.js';

const TASK_INTERESTS = new Set(['dtrn', 'dtrn-no-trm']);
const REFINED = new Set(['dtrn', 'dtrn-no-tim']);

/** The masked mean of one behavior's elements, as `prepare` pools it: [B, d]. */
function meanPool(g: GraphBuilder, sequence: EmbeddedSequence): string {
  const summed = reduceSum(
    g,
    g.node('Mul', [sequence.elements, unsqueeze(g, sequence.mask, [2])]),
    [1],
    false,
  ); // [B, d]
  const count = g.node('Max', [reduceSum(g, sequence.mask, [1], true), g.floatConstant([1])]); // [B, 1]
  return g.node('Div', [summed, count]);
}

/** u[k][m] (K rows with TIM, else one row) for the model's sequences. */
function interests(
  g: GraphBuilder,
  weights: WeightReader,
  network: NetworkConfig,
  features: EmbeddedFeatures,
): string[][] {
  const { args, layout, encoder } = network;
  if (layout.behaviors.length === 0) return [[]];
  if (args.sequenceEncoder === 'mean-pool') return [features.sequences.map((s) => meanPool(g, s))];
  return encoderGraph(g, weights, encoder!, features.sequences, features.target!);
}

/** One table set's flat input, as the `shared` bottom builds it: [B, N*d]. */
function flatInput(
  g: GraphBuilder,
  weights: WeightReader,
  network: NetworkConfig,
  layout: FeatureLayout,
): string {
  const features = embedInputs(g, weights, network.schema, layout);
  const u = interests(g, weights, network, features)[0]!; // M x [B, d]
  return concat(g, [...features.parts, ...u], 1); // [B, N*d]
}

/**
 * STEM: x_0 from the shared tables, x_k from task k's (`<task>/<table>`); task input k =
 * [x_0 | x_k], shared input = [x_0 | mean_k x_k] ([B, 2*N*d]; the stop-gradient is training-only).
 */
function stemInputs(
  g: GraphBuilder,
  weights: WeightReader,
  network: NetworkConfig,
  taskNames: readonly string[],
): { taskInputs: string[]; sharedInput: string } {
  const shared = flatInput(g, weights, network, network.layout);
  const own = taskNames.map((task) =>
    flatInput(
      g,
      weights,
      network,
      renameLayoutTables(network.layout, (table) => `${task}/${table}`),
    ),
  ); // K x [B, N*d]
  const visible = g.node('Div', [g.node('Sum', own), g.floatConstant([taskNames.length])]); // [B, N*d]
  return {
    taskInputs: own.map((x) => concat(g, [shared, x], 1)),
    sharedInput: concat(g, [shared, visible], 1),
  };
}

/** The shared, dtrn and ablation bottoms: K task inputs and the shared input, [B, N*d] each. */
function bottomInputs(
  g: GraphBuilder,
  weights: WeightReader,
  network: NetworkConfig,
  K: number,
): { taskInputs: string[]; sharedInput: string } {
  const { args, schema, layout } = network;
  const features = embedInputs(g, weights, schema, layout);
  const u = interests(g, weights, network, features); // K (or 1) x M x [B, d]
  const parts = features.parts; // F feature parts, [B, w] each
  const taskSpecific = TASK_INTERESTS.has(args.bottom);
  const meanInterests =
    taskSpecific && K > 1
      ? u[0]!.map((_, m) =>
          g.node('Div', [
            g.node(
              'Sum',
              u.map((row) => row[m]!),
            ),
            g.floatConstant([K]),
          ]),
        )
      : u[0]!; // M x [B, d]
  const sharedInput = concat(g, [...parts, ...meanInterests], 1); // [B, N*d]
  let taskInputs: string[];
  if (args.bottom === 'shared') taskInputs = Array.from({ length: K }, () => sharedInput);
  else if (!REFINED.has(args.bottom)) taskInputs = u.map((row) => concat(g, [...parts, ...row], 1));
  else {
    const refinerArgs = network.refiner!;
    taskInputs = Array.from({ length: K }, (_, k) =>
      refinerGraph(g, weights, refinerArgs, k, [...parts, ...(taskSpecific ? u[k]! : u[0]!)]),
    );
  }
  return { taskInputs, sharedInput };
}

/**
 * Adds `model`'s graph (weights prefixed with `prefix`) on the graph inputs already declared;
 * returns its K logits ([B, 1] value names) in task order.
 */
export function modelGraph(g: GraphBuilder, model: RecommenderModel, prefix: string): string[] {
  const network = model.config.networks[0]!; // one network: single-task models come here per task
  const weights = new WeightReader(model, g, prefix);
  const { taskInputs, sharedInput } =
    network.args.bottom === 'stem'
      ? stemInputs(g, weights, network, model.taskNames)
      : bottomInputs(g, weights, network, model.taskNames.length);
  const headArgs = network.headArgs as ResolvedMtlHeadCommonArgs; // every head with an ONNX form has the common args
  const logits = headGraph(g, weights, network.head, headArgs, taskInputs, sharedInput);
  weights.checkAllUsed();
  return logits;
}
