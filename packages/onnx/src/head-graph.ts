/**
 * The built-in multi-task heads (Shared-Bottom, MMoE, PLE/CGC, ESMM, AITM) as ONNX nodes, in inference mode
 * (no dropout), mirroring @dtrn/mtl-heads: hidden stacks keep their activation on every layer,
 * towers end in a linear logit, gates are bias-free linear softmaxes, mixtures are
 * sum_e gate[:, e] * expert_e. A head registered by a user has no ONNX form here and is refused.
 */
import { ConfigError } from '@dtrn/base';
import type { ActivationName } from '@dtrn/core';
import {
  type AnyMtlHeadDefinition,
  aitmHead,
  esmmHead,
  mmoeHead,
  pleHead,
  type ResolvedAitmArgs,
  type ResolvedMmoeArgs,
  type ResolvedMtlHeadCommonArgs,
  type ResolvedPleArgs,
  sharedBottomHead,
} from '@dtrn/mtl-heads';
import type { GraphBuilder } from './graph-builder.js';
import { concat, dense, denseStack, mlp, reduceSum, softmax } from './ops.js';
import type { WeightReader } from './weights.js';

export const EXPORTABLE_HEADS = ['shared-bottom', 'mmoe', 'ple', 'esmm', 'aitm'] as const;

interface HeadContext {
  readonly g: GraphBuilder;
  readonly weights: WeightReader;
  readonly activation: ActivationName;
}

/** Runs `module` once per distinct task input (baselines pass one input K times), like the heads. */
function perDistinctInput<T>(inputs: readonly string[], module: (x: string) => T): T[] {
  const computed = new Map<string, T>();
  return inputs.map((x) => {
    if (!computed.has(x)) computed.set(x, module(x));
    return computed.get(x)!;
  });
}

function hiddenStack(c: HeadContext, x: string, prefix: string): string {
  return mlp(c.g, x, denseStack(c.weights, prefix), c.activation, c.activation);
}

function towers(c: HeadContext, inputs: readonly string[]): string[] {
  return inputs.map((x, k) => mlp(c.g, x, denseStack(c.weights, `head/tower/${k}`), c.activation, 'linear')); // K x [B, 1]
}

function gateWeights(c: HeadContext, x: string, kernel: string): string {
  return softmax(c.g, c.g.node('MatMul', [x, c.weights.use(kernel)])); // [B, E]
}

/** sum_e gate[:, e] * expert_e: E x [B, H] and [B, E] -> [B, H]. */
function mix(c: HeadContext, experts: readonly string[], gate: string): string {
  if (experts.length === 1) return c.g.node('Mul', [experts[0]!, gate]);
  const columns = c.g.nodeMulti('Split', [gate], experts.length, { axis: 1 }); // E x [B, 1]
  const weighted = experts.map((expert, e) => c.g.node('Mul', [expert, columns[e]!])); // E x [B, H]
  return c.g.node('Sum', weighted); // [B, H]
}

function experts(c: HeadContext, x: string, prefix: string, count: number): string[] {
  return Array.from({ length: count }, (_, e) => hiddenStack(c, x, `${prefix}/${e}`)); // E x [B, H]
}

function sharedBottomGraph(c: HeadContext, taskInputs: readonly string[]): string[] {
  return towers(
    c,
    perDistinctInput(taskInputs, (x) => hiddenStack(c, x, 'head/bottom')),
  );
}

function mmoeGraph(c: HeadContext, taskInputs: readonly string[], args: ResolvedMmoeArgs): string[] {
  const byTask = perDistinctInput(taskInputs, (x) => experts(c, x, 'head/expert', args.numExperts));
  const mixed = taskInputs.map((x, k) => mix(c, byTask[k]!, gateWeights(c, x, `head/gate/${k}/kernel`)));
  return towers(c, mixed);
}

function pleGraph(
  c: HeadContext,
  inputs: readonly string[],
  shared: string,
  args: ResolvedPleArgs,
): string[] {
  let taskInputs = [...inputs];
  let sharedInput = shared;
  for (let level = 0; level < args.numLevels; level++) {
    const prefix = `head/level/${level}`;
    const taskExperts = taskInputs.map((x, k) =>
      experts(c, x, `${prefix}/task/${k}/expert`, args.numTaskExperts),
    );
    const sharedExperts = experts(c, sharedInput, `${prefix}/shared/expert`, args.numSharedExperts);
    const next = taskInputs.map((x, k) =>
      mix(c, [...taskExperts[k]!, ...sharedExperts], gateWeights(c, x, `${prefix}/task/${k}/gate/kernel`)),
    );
    if (level < args.numLevels - 1) {
      const gate = gateWeights(c, sharedInput, `${prefix}/shared/gate/kernel`);
      sharedInput = mix(c, [...taskExperts.flat(), ...sharedExperts], gate);
    }
    taskInputs = next;
  }
  return towers(c, taskInputs);
}

/** ESMM predicts each task with its own tower (pCTR, pCVR); the product is a training-only output. */
function esmmGraph(c: HeadContext, taskInputs: readonly string[]): string[] {
  return towers(c, taskInputs); // K x [B, 1]
}

/** One dense layer `${prefix}/0/...` with an activation. */
function layer(c: HeadContext, x: string, prefix: string, act: ActivationName = 'linear'): string {
  return dense(c.g, x, denseStack(c.weights, prefix)[0]!, act);
}

/** AITM: towers, then per cascade step the transfer and the attention over {p, q}, then a logit. */
function aitmGraph(c: HeadContext, taskInputs: readonly string[], args: ResolvedAitmArgs): string[] {
  const q = taskInputs.map((x, t) => hiddenStack(c, x, `head/tower/${t}`)); // K x [B, H]
  const z = [...q];
  const scale = c.g.floatConstant([1 / Math.sqrt(args.towerUnits.at(-1)!)]);
  args.cascade.slice(1).forEach((task, index) => {
    const prefix = `head/ait/${index + 1}`;
    const p = layer(c, z[args.cascade[index]!]!, `head/transfer/${index + 1}`, args.activation); // [B, H]
    const score = (u: string) =>
      c.g.node('Mul', [
        reduceSum(
          c.g,
          c.g.node('Mul', [layer(c, u, `${prefix}/query`), layer(c, u, `${prefix}/key`)]),
          [1],
          true,
        ),
        scale,
      ]); // [B, 1]
    const weights = softmax(c.g, concat(c.g, [score(p), score(q[task]!)], 1)); // [B, 2]
    z[task] = mix(c, [layer(c, p, `${prefix}/value`), layer(c, q[task]!, `${prefix}/value`)], weights); // [B, H]
  });
  return z.map((zt, t) => layer(c, zt, `head/output/${t}`)); // K x [B, 1]
}

/** The head's K logits ([B, 1] value names). Refuses heads other than the built-in ones. */
export function headGraph(
  g: GraphBuilder,
  weights: WeightReader,
  head: AnyMtlHeadDefinition,
  args: ResolvedMtlHeadCommonArgs,
  taskInputs: readonly string[],
  sharedInput: string,
): string[] {
  const c: HeadContext = { g, weights, activation: args.activation };
  if (head === sharedBottomHead) return sharedBottomGraph(c, taskInputs);
  if (head === mmoeHead) return mmoeGraph(c, taskInputs, args as ResolvedMmoeArgs);
  if (head === pleHead) return pleGraph(c, taskInputs, sharedInput, args as ResolvedPleArgs);
  if (head === esmmHead) return esmmGraph(c, taskInputs);
  if (head === aitmHead) return aitmGraph(c, taskInputs, args as ResolvedAitmArgs);
  throw new ConfigError(`exportOnnx: head "${head.name}" has no ONNX form`, {
    expected: `a built-in head: ${EXPORTABLE_HEADS.join(', ')} (a head registered with registerHead is refused)`,
    found: head.name,
  });
}
