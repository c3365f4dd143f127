/**
 * The dtrn building blocks' math as ONNX nodes, op for op in the same order as the tfjs code
 * (`@dtrn/core`'s dense layers and activations, softmax, the encoder's LayerNorm standardisation),
 * so the exported graph rounds like dtrn's own `predict`. Every helper takes and returns value names.
 */
import { ConfigError } from '@dtrn/base';
import type { ActivationName } from '@dtrn/core';
import type { GraphBuilder } from './graph-builder.js';
import type { WeightReader } from './weights.js';

/** A dense layer's initializer names: kernel [in, units], optional bias [units]. */
export interface DenseNames {
  readonly kernel: string;
  readonly bias?: string | undefined;
}

/** The activations of `@dtrn/core` (`applyActivation`), e.g. gelu's tanh approximation. */
export function activation(g: GraphBuilder, x: string, name: ActivationName): string {
  switch (name) {
    case 'linear':
      return x;
    case 'relu':
      return g.node('Relu', [x]);
    case 'sigmoid':
      return g.node('Sigmoid', [x]);
    case 'tanh':
      return g.node('Tanh', [x]);
    case 'elu':
      return g.node('Elu', [x], { alpha: 1 }, 'Elu', ['alpha']);
    case 'gelu': {
      // 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))), as core computes it
      const cube = g.node('Pow', [x, g.floatConstant([3])]);
      const inner = g.node('Mul', [
        g.floatConstant([Math.sqrt(2 / Math.PI)]),
        g.node('Add', [x, g.node('Mul', [g.floatConstant([0.044715]), cube])]),
      ]);
      const half = g.node('Mul', [g.floatConstant([0.5]), x]);
      return g.node('Mul', [half, g.node('Add', [g.floatConstant([1]), g.node('Tanh', [inner])])]);
    }
    default:
      throw new ConfigError(`exportOnnx: activation "${String(name)}" has no ONNX form here`, {
        expected: 'linear, relu, sigmoid, tanh, gelu or elu',
        found: name,
      });
  }
}

/** activation(x @ kernel + bias) over the last axis: [..., in] -> [..., units]. */
export function dense(g: GraphBuilder, x: string, layer: DenseNames, act: ActivationName = 'linear'): string {
  let y = g.node('MatMul', [x, layer.kernel]);
  if (layer.bias) y = g.node('Add', [y, layer.bias]);
  return activation(g, y, act);
}

/** A stack of dense layers: `hidden` after every layer but the last, `output` after the last. */
export function mlp(
  g: GraphBuilder,
  x: string,
  layers: readonly DenseNames[],
  hidden: ActivationName,
  output: ActivationName,
): string {
  let h = x;
  layers.forEach((layer, index) => {
    h = dense(g, h, layer, index === layers.length - 1 ? output : hidden);
  });
  return h;
}

/** The dense layers `${prefix}/${i}/kernel|bias`, i = 0, 1, ... while they exist. */
export function denseStack(weights: WeightReader, prefix: string): DenseNames[] {
  const layers: DenseNames[] = [];
  for (let i = 0; weights.has(`${prefix}/${i}/kernel`); i++) {
    layers.push({
      kernel: weights.use(`${prefix}/${i}/kernel`),
      bias: weights.has(`${prefix}/${i}/bias`) ? weights.use(`${prefix}/${i}/bias`) : undefined,
    });
  }
  if (layers.length === 0) {
    throw new ConfigError(`exportOnnx: the model has no weights "${prefix}/0/kernel"`, {
      expected: 'a model built by @dtrn/model',
    });
  }
  return layers;
}

/** [..., n] -> [..., n, 1] (or other axes). */
export function unsqueeze(g: GraphBuilder, x: string, axes: readonly number[]): string {
  return g.node('Unsqueeze', [x, g.intConstant(axes)]);
}

export function reshape(g: GraphBuilder, x: string, shape: readonly number[]): string {
  return g.node('Reshape', [x, g.intConstant(shape)]);
}

/** Sum over `axes`. */
export function reduceSum(g: GraphBuilder, x: string, axes: readonly number[], keepDims: boolean): string {
  return g.node('ReduceSum', [x, g.intConstant(axes)], { keepdims: keepDims ? 1 : 0 });
}

/** Concatenation along `axis`; one part is returned as is. */
export function concat(g: GraphBuilder, parts: readonly string[], axis: number): string {
  return parts.length === 1 ? parts[0]! : g.node('Concat', parts, { axis });
}

/** (mask - 1) * 1e9: 0 on valid positions, -1e9 on padding, as dtrn's masked softmaxes use. */
export function maskBias(g: GraphBuilder, mask: string): string {
  return g.node('Mul', [g.node('Sub', [mask, g.floatConstant([1])]), g.floatConstant([1e9])]);
}

/** Softmax over the last axis. */
export function softmax(g: GraphBuilder, x: string): string {
  return g.node('Softmax', [x], { axis: -1 });
}
